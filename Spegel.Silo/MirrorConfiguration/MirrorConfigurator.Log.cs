namespace Spegel.Silo.MirrorConfiguration;

internal sealed partial class MirrorConfigurator
{
    [LoggerMessage(
        EventId = MirrorConfigurationEventIds.HostsFileWritten,
        EventName = nameof(MirrorConfigurationEventIds.HostsFileWritten),
        Level = LogLevel.Information,
        Message = "Wrote the mirror configuration of {Registry} to {Path}")]
    private static partial void LogInformationHostsFileWritten(ILogger logger, string registry, string path);

    [LoggerMessage(
        EventId = MirrorConfigurationEventIds.HostsFileUnchanged,
        EventName = nameof(MirrorConfigurationEventIds.HostsFileUnchanged),
        Level = LogLevel.Debug,
        Message = "The mirror configuration at {Path} is already up to date")]
    private static partial void LogDebugHostsFileUnchanged(ILogger logger, string path);

    [LoggerMessage(
        EventId = MirrorConfigurationEventIds.HostsFileBackedUp,
        EventName = nameof(MirrorConfigurationEventIds.HostsFileBackedUp),
        Level = LogLevel.Information,
        Message = "Backed up {Path} to {BackupPath}")]
    private static partial void LogInformationHostsFileBackedUp(ILogger logger, string path, string backupPath);

    [LoggerMessage(
        EventId = MirrorConfigurationEventIds.HostsFileRestored,
        EventName = nameof(MirrorConfigurationEventIds.HostsFileRestored),
        Level = LogLevel.Information,
        Message = "Restored the original {Path}")]
    private static partial void LogInformationHostsFileRestored(ILogger logger, string path);

    [LoggerMessage(
        EventId = MirrorConfigurationEventIds.HostsFileRemoved,
        EventName = nameof(MirrorConfigurationEventIds.HostsFileRemoved),
        Level = LogLevel.Information,
        Message = "Removed {Path}, which the mirror configuration had created")]
    private static partial void LogInformationHostsFileRemoved(ILogger logger, string path);

    [LoggerMessage(
        EventId = MirrorConfigurationEventIds.NothingToRestore,
        EventName = nameof(MirrorConfigurationEventIds.NothingToRestore),
        Level = LogLevel.Information,
        Message = "No mirror configuration backup under {ConfigPath}; nothing to restore")]
    private static partial void LogInformationNothingToRestore(ILogger logger, string configPath);
}
