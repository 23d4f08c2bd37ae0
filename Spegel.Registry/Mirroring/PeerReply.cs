using System.Diagnostics.CodeAnalysis;

namespace Spegel.Registry.Mirroring;

/// <summary>A holder's response headers, or why there are none.</summary>
/// <param name="Response">The response, whose body has not been read; the receiver disposes it.</param>
/// <param name="Failure">Why there is no response.</param>
internal readonly record struct PeerReply(HttpResponseMessage? Response, PeerFailure Failure)
{
    /// <summary>Whether the holder answered with headers (of any status).</summary>
    [MemberNotNullWhen(true, nameof(Response))]
    public bool Answered => Response is not null;
}
