namespace Spegel.Registry.Mirroring;

/// <summary>What a mirror attempt did.</summary>
/// <param name="Served">Whether the response was written (completely, or aborted mid-body).</param>
/// <param name="HoldersTried">How many holders were tried.</param>
/// <param name="Reason">
/// Why nothing was served, for the 404's detail and the logs; or the holder that served it.
/// </param>
public sealed record MirrorOutcome(bool Served, int HoldersTried, string Reason)
{
    /// <summary>Nothing was tried because mirroring does not apply to the request.</summary>
    public static MirrorOutcome NotApplicable(string reason) => new(false, 0, reason);
}
