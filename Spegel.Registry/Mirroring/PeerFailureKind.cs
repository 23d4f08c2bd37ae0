namespace Spegel.Registry.Mirroring;

/// <summary>
/// Why one holder could not serve a request. The names are also the <c>outcome</c> tag of the metrics.
/// </summary>
internal enum PeerFailureKind
{
    /// <summary>The connection was refused.</summary>
    Refused,

    /// <summary>No response headers within the peer timeout (connect included).</summary>
    Timeout,

    /// <summary>The holder answered with a status other than the one asked for, e.g. 404 or 500.</summary>
    Status,

    /// <summary>The connection failed in another way (reset, protocol error, name resolution).</summary>
    Error,

    /// <summary>The body stopped arriving for longer than the stall timeout.</summary>
    Stalled,

    /// <summary>The body failed or ended before its announced length.</summary>
    ShortBody,

    /// <summary>The bytes do not hash to the digest they were asked for by.</summary>
    DigestMismatch,

    /// <summary>The announced length or range disagrees with what is already known about the content.</summary>
    SizeMismatch,

    /// <summary>The headers are unusable: no length, a range that was not asked for, a manifest too large.</summary>
    InvalidResponse,

    /// <summary>
    /// Not the holder's fault: the client went away or the request's budget ran out while it was asked.
    /// </summary>
    Canceled,
}
