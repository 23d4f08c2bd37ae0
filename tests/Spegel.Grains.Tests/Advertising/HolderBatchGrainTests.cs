using System.Collections.Immutable;
using Spegel.Grains.Advertising;
using Spegel.Grains.Holders;
using Spegel.Grains.Tests.Infrastructure;

namespace Spegel.Grains.Tests.Advertising;

[Collection(SharedIndexClusterCollection.Name)]
public sealed class HolderBatchGrainTests(SharedIndexCluster shared)
{
    private const int Digests = 300;

    private readonly IndexCluster _index = shared.Index;

    [Fact]
    public async Task AdvertiseAsync_ManyDigestsWithDuplicates_AdvertisesEachDigestOnce()
    {
        var digests = Enumerable.Range(0, Digests).Select(_ => TestKeys.Digest()).ToImmutableArray();
        var holder = _index.HolderOn(1, "node-b");

        var result = await Batch().AdvertiseAsync(holder, digests.AddRange(digests.Take(10)));

        Assert.True(result.IsComplete);
        Assert.Equal(Digests, result.Succeeded);
        foreach (var digest in digests)
        {
            var holders = await _index.Grains.GetGrain<IDigestGrain>(digest).ListAsync();
            Assert.Equal(holder, Assert.Single(holders).Holder);
        }
    }

    [Fact]
    public async Task WithdrawAsync_ManyDigests_RemovesOnlyThatNodeEverywhere()
    {
        var digests = Enumerable.Range(0, Digests).Select(_ => TestKeys.Digest()).ToImmutableArray();
        await Batch().AdvertiseAsync(_index.HolderOn(0, "node-a"), digests);
        await Batch().AdvertiseAsync(_index.HolderOn(1, "node-b"), digests);

        var result = await Batch().WithdrawAsync("node-a", digests);

        Assert.True(result.IsComplete);
        Assert.Equal(Digests, result.Succeeded);
        foreach (var digest in digests)
        {
            var holders = await _index.Grains.GetGrain<IDigestGrain>(digest).ListAsync();
            Assert.Equal("node-b", Assert.Single(holders).Holder.Node);
        }
    }

    [Fact]
    public async Task AdvertiseAsync_NoDigests_ReturnsEmptyCompleteResult()
    {
        var holder = _index.HolderOn(0, "node-a");

        var result = await Batch().AdvertiseAsync(holder, []);

        Assert.True(result.IsComplete);
        Assert.Equal(0, result.Succeeded);
    }

    private IHolderBatchGrain Batch() => _index.Grains.GetGrain<IHolderBatchGrain>(IHolderBatchGrain.Key);
}
