using Microsoft.Extensions.Logging;
using Spegel.Registry.Distribution;
using Spegel.Registry.Http;

namespace Spegel.Registry.Mirroring;

public sealed partial class PeerMirror
{
    [LoggerMessage(EventId = MirrorEventIds.NotMirrored, EventName = nameof(MirrorEventIds.NotMirrored),
        Level = LogLevel.Debug,
        Message = "Not mirroring {Route} {Repository}:{Reference}: {Reason}")]
    private static partial void LogNotMirrored(
        ILogger logger,
        RegistryRoute route,
        string repository,
        string reference,
        string reason);

    [LoggerMessage(EventId = MirrorEventIds.HoldersFound, EventName = nameof(MirrorEventIds.HoldersFound),
        Level = LogLevel.Debug,
        Message = "Mirroring {Route} {Repository}:{Reference} as {Digest}: trying {Tried} of {Holders} holders")]
    private static partial void LogHoldersFound(
        ILogger logger,
        RegistryRoute route,
        string repository,
        string reference,
        Digest digest,
        int tried,
        int holders);

    [LoggerMessage(EventId = MirrorEventIds.NoHolders, EventName = nameof(MirrorEventIds.NoHolders),
        Level = LogLevel.Debug,
        Message = "Not in the cluster: {Route} {Repository}:{Reference} ({Reason})")]
    private static partial void LogNoHolders(
        ILogger logger,
        RegistryRoute route,
        string repository,
        string reference,
        string reason);

    [LoggerMessage(EventId = MirrorEventIds.LookupFailed, EventName = nameof(MirrorEventIds.LookupFailed),
        Level = LogLevel.Warning,
        Message = "The cluster index failed to answer for {Route} {Repository}:{Reference}; answering not found")]
    private static partial void LogLookupFailed(
        ILogger logger,
        RegistryRoute route,
        string repository,
        string reference,
        Exception exception);

    [LoggerMessage(EventId = MirrorEventIds.PeerFailed, EventName = nameof(MirrorEventIds.PeerFailed),
        Level = LogLevel.Warning,
        Message = "Holder {Node} ({Endpoint}) {Failure} for {Digest}; falling back")]
    private static partial void LogPeerFailed(ILogger logger, string node, Uri endpoint, Digest digest, string failure);

    [LoggerMessage(EventId = MirrorEventIds.PeerDeclined, EventName = nameof(MirrorEventIds.PeerDeclined),
        Level = LogLevel.Debug,
        Message = "Holder {Node} did not serve {Digest}: {Failure}")]
    private static partial void LogPeerDeclined(ILogger logger, string node, Digest digest, string failure);

    [LoggerMessage(EventId = MirrorEventIds.DigestMismatch, EventName = nameof(MirrorEventIds.DigestMismatch),
        Level = LogLevel.Warning,
        Message = "Holder {Node} ({Endpoint}) sent bytes that do not match {Digest}; reported as corrupt")]
    private static partial void LogDigestMismatch(ILogger logger, string node, Uri endpoint, Digest digest);

    [LoggerMessage(EventId = MirrorEventIds.Served, EventName = nameof(MirrorEventIds.Served), Level = LogLevel.Debug,
        Message = "Mirrored {Digest}: {Detail}")]
    private static partial void LogServed(ILogger logger, Digest digest, string detail);

    [LoggerMessage(EventId = MirrorEventIds.NotServed, EventName = nameof(MirrorEventIds.NotServed),
        Level = LogLevel.Debug,
        Message = "Could not mirror {Digest}: {Reason}")]
    private static partial void LogNotServed(ILogger logger, Digest digest, string reason);

    [LoggerMessage(EventId = MirrorEventIds.Resuming, EventName = nameof(MirrorEventIds.Resuming),
        Level = LogLevel.Trace,
        Message = "Asking {Node} for {Digest} from byte {Offset}")]
    private static partial void LogResuming(ILogger logger, Digest digest, string node, long offset);

    [LoggerMessage(EventId = MirrorEventIds.ChunkRelayed, EventName = nameof(MirrorEventIds.ChunkRelayed),
        Level = LogLevel.Trace,
        Message = "Relayed {Count} bytes from {Node}: {Sent} of {Length}")]
    private static partial void LogChunkRelayed(ILogger logger, int count, long sent, long length, string node);

    [LoggerMessage(EventId = MirrorEventIds.BodyAborted, EventName = nameof(MirrorEventIds.BodyAborted),
        Level = LogLevel.Warning,
        Message = "Aborted the body of {Digest} after {Sent} of {Length} bytes: {Reason}")]
    private static partial void LogBodyAborted(ILogger logger, Digest digest, long sent, long length, string reason);

    [LoggerMessage(EventId = MirrorEventIds.ReportCorruptFailed, EventName = nameof(MirrorEventIds.ReportCorruptFailed),
        Level = LogLevel.Warning,
        Message = "Could not report {Node} as corrupt for {Digest}")]
    private static partial void LogReportCorruptFailed(ILogger logger, string node, Digest digest, Exception exception);

    [LoggerMessage(EventId = MirrorEventIds.ClientGone, EventName = nameof(MirrorEventIds.ClientGone),
        Level = LogLevel.Debug,
        Message = "Client went away while {Digest} was mirrored ({Outcome})")]
    private static partial void LogClientGone(ILogger logger, Digest digest, CopyOutcome outcome);
}
