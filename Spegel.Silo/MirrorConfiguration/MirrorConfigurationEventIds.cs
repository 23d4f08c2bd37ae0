namespace Spegel.Silo.MirrorConfiguration;

/// <summary>
/// Stable event ids of the mirror configuration, for operators who search logs for them. The 1100 block belongs to
/// this folder; ids are never reused for a different event.
/// The <c>[LoggerMessage]</c> methods use these ids with the constant's name as the event name.
/// </summary>
internal static class MirrorConfigurationEventIds
{
    /// <summary>A <c>hosts.toml</c> was written by configure.</summary>
    public const int HostsFileWritten = 1100;

    /// <summary>A <c>hosts.toml</c> already had the wanted contents and was left alone.</summary>
    public const int HostsFileUnchanged = 1101;

    /// <summary>An existing <c>hosts.toml</c> was copied to the backup folder.</summary>
    public const int HostsFileBackedUp = 1102;

    /// <summary>A <c>hosts.toml</c> was restored from the backup.</summary>
    public const int HostsFileRestored = 1103;

    /// <summary>A <c>hosts.toml</c> that configure created was removed.</summary>
    public const int HostsFileRemoved = 1104;

    /// <summary>Cleanup found no backup, so there was nothing to restore.</summary>
    public const int NothingToRestore = 1105;
}
