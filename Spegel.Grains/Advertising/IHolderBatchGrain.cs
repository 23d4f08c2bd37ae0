using System.Collections.Immutable;
using Spegel.Grains.Holders;

namespace Spegel.Grains.Advertising;

/// <summary>
/// Advertises or withdraws many digests for one node in one call, for an agent that reports its whole inventory.
/// </summary>
/// <remarks>
/// A stateless worker: it is activated in the caller's own silo, so a batch crosses to another silo only once per
/// digest grain, and it calls at most <see cref="Hosting.IndexOptions.BatchConcurrency"/> digest grains at a time so
/// that thousands of digests at start neither flood the cluster nor run one after another. Use any key; by convention
/// <see cref="Key"/>.
/// </remarks>
public interface IHolderBatchGrain : IGrainWithIntegerKey
{
    /// <summary>The conventional key of the batch grain.</summary>
    const long Key = 0;

    /// <summary>
    /// Advertises <paramref name="holder"/> on the digest grain of each of <paramref name="digests"/> (duplicates are
    /// advertised once). A failing digest grain does not stop the batch; it is reported in
    /// <see cref="BatchResult.Failed"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="holder"/> is <see langword="null"/>.</exception>
    Task<BatchResult> AdvertiseAsync(Holder holder, ImmutableArray<string> digests);

    /// <summary>
    /// Withdraws <paramref name="node"/> from the digest grain of each of <paramref name="digests"/>, with the same
    /// failure contract as <see cref="AdvertiseAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="node"/> is null or empty.</exception>
    Task<BatchResult> WithdrawAsync(string node, ImmutableArray<string> digests);
}
