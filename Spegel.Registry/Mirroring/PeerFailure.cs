namespace Spegel.Registry.Mirroring;

/// <summary>One holder's failure: what kind, and the words for the 404's detail and the logs.</summary>
/// <param name="Kind">The kind, which also decides whether the holder is remembered as failed.</param>
/// <param name="Detail">
/// A short phrase that completes "node-a …", e.g. <c>timed out</c> or <c>answered 500</c>.
/// </param>
/// <param name="StatusCode">The status the holder answered with, for <see cref="PeerFailureKind.Status"/>.</param>
internal readonly record struct PeerFailure(PeerFailureKind Kind, string Detail, int StatusCode = 0)
{
    /// <summary>
    /// Whether the holder itself misbehaved, so that other requests should avoid it for a while. A 4xx only says
    /// that it lacks this one piece of content (the index was stale), which says nothing about the node.
    /// </summary>
    public bool MarksHolder => Kind switch
    {
        PeerFailureKind.Status => StatusCode >= 500,
        PeerFailureKind.Canceled => false,
        _ => true,
    };

    /// <summary>The metric tag value.</summary>
    public string Tag => Kind switch
    {
        PeerFailureKind.Refused => "refused",
        PeerFailureKind.Timeout => "timeout",
        PeerFailureKind.Status => "status",
        PeerFailureKind.Error => "error",
        PeerFailureKind.Stalled => "stalled",
        PeerFailureKind.ShortBody => "short_body",
        PeerFailureKind.DigestMismatch => "digest_mismatch",
        PeerFailureKind.SizeMismatch => "size_mismatch",
        PeerFailureKind.Canceled => "canceled",
        _ => "invalid_response",
    };

    public static PeerFailure Status(int status) =>
        new(PeerFailureKind.Status, status.ToString(System.Globalization.CultureInfo.InvariantCulture), status);

    public static PeerFailure Invalid(string what) => new(PeerFailureKind.InvalidResponse, what);

    /// <inheritdoc/>
    public override string ToString() => Detail;
}
