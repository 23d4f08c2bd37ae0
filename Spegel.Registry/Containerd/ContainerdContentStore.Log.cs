using Microsoft.Extensions.Logging;

namespace Spegel.Registry.Containerd;

internal sealed partial class ContainerdContentStore
{
    [LoggerMessage(EventId = ContainerdEventIds.ImageSkipped, EventName = nameof(ContainerdEventIds.ImageSkipped),
        Level = LogLevel.Debug,
        Message = "Image {Image} is not listed: its target {Digest} is not in the content store")]
    private static partial void LogDebugImageSkipped(ILogger logger, string image, string digest);

    [LoggerMessage(EventId = ContainerdEventIds.ManifestUnreadable,
        EventName = nameof(ContainerdEventIds.ManifestUnreadable), Level = LogLevel.Warning,
        Message = "Content under {Digest} is not followed: {Reason}")]
    private static partial void LogWarningManifestUnreadable(ILogger logger, string digest, string reason);

    [LoggerMessage(EventId = ContainerdEventIds.WatchBroken, EventName = nameof(ContainerdEventIds.WatchBroken),
        Level = LogLevel.Warning,
        Message = "Lost containerd's event stream at {SocketPath}; resubscribing in {Delay}")]
    private static partial void LogWarningWatchBroken(ILogger logger, string socketPath, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Trace,
        Message = "containerd's events at {SocketPath} are still unavailable; retrying in {Delay}")]
    private static partial void LogTraceResubscribeFailed(ILogger logger, string socketPath, TimeSpan delay);

    [LoggerMessage(EventId = ContainerdEventIds.WatchResumed, EventName = nameof(ContainerdEventIds.WatchResumed),
        Level = LogLevel.Information,
        Message = "Resubscribed to containerd's events at {SocketPath}; asking for a fresh inventory")]
    private static partial void LogInformationWatchResumed(ILogger logger, string socketPath);
}
