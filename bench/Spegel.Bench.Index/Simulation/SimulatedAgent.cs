using System.Collections.Immutable;
using Spegel.Grains.Advertising;
using Spegel.Grains.Holders;

namespace Spegel.Bench.Index.Simulation;

/// <summary>
/// One node's inventory agent, reduced to what loads the index: it advertises its digests through the batch grain of
/// its own silo, one batch at a time, as the real agent does.
/// </summary>
/// <param name="holder">The node as the index records it.</param>
/// <param name="siloIndex">The silo the node's process runs in, an index into the cluster's silos.</param>
/// <param name="grains">The grain factory of that silo, so that the stateless batch grain runs there.</param>
/// <param name="batches">The node's digests, cut into batches once so that advertising allocates no lists.</param>
internal sealed class SimulatedAgent(Holder holder, int siloIndex, IGrainFactory grains, ImmutableArray<ImmutableArray<string>> batches)
{
    public Holder Holder { get; } = holder;

    public int SiloIndex { get; } = siloIndex;

    public int BatchCount => batches.Length;

    /// <summary>Advertises every digest, batch after batch.</summary>
    public async Task AdvertiseAllAsync(CallCounters counters, CancellationToken cancellationToken)
    {
        for (var batch = 0; batch < batches.Length; batch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await AdvertiseBatchAsync(batch, counters);
        }
    }

    /// <summary>Advertises batch number <paramref name="batch"/>; a failed call is counted, not thrown.</summary>
    public async Task AdvertiseBatchAsync(int batch, CallCounters counters)
    {
        var digests = batches[batch];
        try
        {
            var result = await grains.GetGrain<IHolderBatchGrain>(IHolderBatchGrain.Key).AdvertiseAsync(Holder, digests);
            counters.RecordBatch(result);
        }
#pragma warning disable CA1031 // Any failure of a batch call is counted and its first one reported, so the run finishes.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            counters.RecordFailedBatch(digests.Length, ex);
        }
    }
}
