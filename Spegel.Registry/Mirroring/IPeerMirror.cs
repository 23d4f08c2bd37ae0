using Microsoft.AspNetCore.Http;
using Spegel.Registry.Distribution;

namespace Spegel.Registry.Mirroring;

/// <summary>
/// Serves what this node lacks from the nodes that hold it. The registry endpoint calls it after a local miss, and
/// never for a request that is itself marked as coming from a peer.
/// </summary>
public interface IPeerMirror
{
    /// <summary>
    /// Tries to answer <paramref name="request"/> from a peer. When the outcome says the response was not started,
    /// the caller answers with a 404; otherwise the response was written (or aborted) by the mirror.
    /// </summary>
    Task<MirrorOutcome> TryServeAsync(
        HttpContext context, RegistryRequest request, CancellationToken cancellationToken);
}
