using Spegel.Grains.Holders;
using Spegel.Grains.Tags;
using Spegel.Grains.Tests.Infrastructure;

namespace Spegel.Grains.Tests.Holders;

/// <summary>
/// Idle collection runs on real time, so these tests wait a few multiples of the cluster's short collection age.
/// The second test shows that the wait is long enough for collection to happen, so the first one can fail.
/// </summary>
[Collection(SharedIndexClusterCollection.Name)]
public sealed class IdleCollectionTests(SharedIndexCluster shared)
{
    private static readonly TimeSpan IdleWindow = IndexCluster.CollectionAge * 3;

    private readonly IndexCluster _index = shared.Index;

    [Fact]
    public async Task GrainsHoldingRecords_IdleLongerThanCollectionAge_KeepActivationAndRecords()
    {
        var digest = _index.Grains.GetGrain<IDigestGrain>(TestKeys.Digest());
        var tag = _index.Grains.GetGrain<ITagGrain>(TestKeys.Tag());
        var holder = _index.HolderOn(0, "node-a");
        await digest.AdvertiseAsync(holder);
        await tag.AdvertiseAsync(holder, new TagTarget(TestKeys.Digest(), "application/vnd.oci.image.manifest.v1+json", 1));
        var digestActivation = Activation(digest);
        var tagActivation = Activation(tag);

        var collected = await Task.WhenAny(digestActivation.Deactivated, tagActivation.Deactivated, Idle(IdleWindow));
        var holders = await digest.ListAsync();
        var resolution = await tag.ResolveAsync();

        Assert.False(digestActivation.Deactivated.IsCompleted, "the digest grain was collected while it held a record");
        Assert.False(tagActivation.Deactivated.IsCompleted, "the tag grain was collected while it held a claim");
        Assert.Same(digestActivation, Activation(digest));
        Assert.Equal(holder, Assert.Single(holders).Holder);
        Assert.Equal(holder, Assert.Single(resolution!.Holders));
        Assert.NotNull(collected);
    }

    [Fact]
    public async Task DigestGrain_AllRecordsWithdrawn_IsCollectedAfterCollectionAge()
    {
        var digest = _index.Grains.GetGrain<IDigestGrain>(TestKeys.Digest());
        await digest.AdvertiseAsync(_index.HolderOn(0, "node-a"));
        await digest.WithdrawAsync("node-a");
        var activation = Activation(digest);

        var first = await Task.WhenAny(activation.Deactivated, Idle(IdleWindow * 2));

        Assert.Same(activation.Deactivated, first);
    }

    private IGrainContext Activation(IAddressable grain) =>
        _index.Cluster.TryGetGrainContext(grain.GetGrainId(), out var context)
            ? context
            : throw new InvalidOperationException($"{grain.GetGrainId()} has no activation.");

    private static Task Idle(TimeSpan window) => Task.Delay(window, TestContext.Current.CancellationToken);
}
