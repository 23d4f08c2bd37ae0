using Spegel.Grains.Tags;
using Spegel.Grains.Tests.Infrastructure;

namespace Spegel.Grains.Tests.Tags;

[Collection(SharedIndexClusterCollection.Name)]
public sealed class TagGrainTests(SharedIndexCluster shared)
{
    private static readonly TagTarget X = Target('a');
    private static readonly TagTarget Y = Target('b');

    private readonly IndexCluster _index = shared.Index;

    [Fact]
    public async Task ResolveAsync_UnknownTag_ReturnsNull()
    {
        var grain = Tag();

        var resolution = await grain.ResolveAsync();

        Assert.Null(resolution);
    }

    [Fact]
    public async Task ResolveAsync_NodesAgree_ReturnsTargetWithEveryNode()
    {
        var grain = Tag();
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"), X);
        _index.Clock.Advance(TimeSpan.FromSeconds(1));

        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"), X);
        var resolution = await grain.ResolveAsync();

        Assert.NotNull(resolution);
        Assert.Equal(X, resolution.Target);
        Assert.Equal(_index.Clock.GetUtcNow(), resolution.AdvertisedAt);
        Assert.Equal(["node-a", "node-b"], resolution.Holders.Select(holder => holder.Node));
    }

    [Fact]
    public async Task ResolveAsync_TagMoved_FollowsTheLatestAdvertisement()
    {
        var grain = Tag();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"), X);
        _index.Clock.Advance(TimeSpan.FromSeconds(1));

        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"), Y);
        var moved = await grain.ResolveAsync();
        _index.Clock.Advance(TimeSpan.FromSeconds(1));
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"), X);
        var movedBack = await grain.ResolveAsync();

        Assert.Equal(Y, moved?.Target);
        Assert.Equal("node-b", Assert.Single(moved!.Holders).Node);
        Assert.Equal(X, movedBack?.Target);
        Assert.Equal("node-a", Assert.Single(movedBack!.Holders).Node);
    }

    [Fact]
    public async Task RefreshAsync_NodeStillReportingOldTarget_DoesNotTakeTheTagBack()
    {
        var grain = Tag();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"), X);
        _index.Clock.Advance(TimeSpan.FromSeconds(1));
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"), Y);
        _index.Clock.Advance(TimeSpan.FromSeconds(1));

        await grain.RefreshAsync(_index.HolderOn(0, "node-a"), X);
        var resolution = await grain.ResolveAsync();

        Assert.Equal(Y, resolution?.Target);
    }

    [Fact]
    public async Task RefreshAsync_NodeReportingNewTarget_CountsAsAdvertisement()
    {
        var grain = Tag();
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"), Y);
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"), Y);
        _index.Clock.Advance(TimeSpan.FromSeconds(1));

        await grain.RefreshAsync(_index.HolderOn(0, "node-a"), X);
        var resolution = await grain.ResolveAsync();

        Assert.Equal(X, resolution?.Target);
        Assert.Equal(_index.Clock.GetUtcNow(), resolution?.AdvertisedAt);
    }

    [Fact]
    public async Task WithdrawAsync_LatestAdvertiser_FallsBackToRemainingClaim()
    {
        var grain = Tag();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"), X);
        _index.Clock.Advance(TimeSpan.FromSeconds(1));
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"), Y);

        await grain.WithdrawAsync("node-b");
        var afterFirst = await grain.ResolveAsync();
        await grain.WithdrawAsync("node-a");
        var afterBoth = await grain.ResolveAsync();

        Assert.Equal(X, afterFirst?.Target);
        Assert.Null(afterBoth);
    }

    [Fact]
    public async Task ResolveAsync_LatestClaimExpired_FallsBackToRefreshedClaim()
    {
        var grain = Tag();
        var nodeA = _index.HolderOn(0, "node-a");
        await grain.AdvertiseAsync(nodeA, X);
        _index.Clock.Advance(TimeSpan.FromMinutes(1));
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"), Y);

        _index.Clock.Advance(TimeSpan.FromMinutes(10));
        await grain.RefreshAsync(nodeA, X);
        var beforeExpiry = await grain.ResolveAsync();
        _index.Clock.Advance(TimeSpan.FromMinutes(5));
        var afterExpiry = await grain.ResolveAsync();

        Assert.Equal(Y, beforeExpiry?.Target);
        Assert.Equal(X, afterExpiry?.Target);
        Assert.Equal("node-a", Assert.Single(afterExpiry!.Holders).Node);
    }

    [Fact]
    public async Task ResolveAsync_EqualAdvertisementTimes_PicksTheOrdinallyGreaterDigest()
    {
        var grain = Tag();

        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"), Y);
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"), X);
        var resolution = await grain.ResolveAsync();

        Assert.Equal(Y, resolution?.Target);
    }

    [Fact]
    public async Task ResolveAsync_LatestClaimFromDeadSilo_IsIgnored()
    {
        var grain = Tag();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"), X);
        _index.Clock.Advance(TimeSpan.FromSeconds(1));

        await grain.AdvertiseAsync(new Grains.Holders.Holder("node-old", "http://10.0.0.2:5000", _index.PredecessorOf(1)), Y);
        var resolution = await grain.ResolveAsync();
        var claims = await grain.ListAsync();

        Assert.Equal(X, resolution?.Target);
        Assert.Equal("node-a", Assert.Single(claims).Holder.Node);
    }

    [Fact]
    public async Task ListAsync_ClaimsOfSeveralNodes_ReturnsThemOrderedByNode()
    {
        var grain = Tag();
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"), Y);
        _index.Clock.Advance(TimeSpan.FromSeconds(1));
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"), X);

        var claims = await grain.ListAsync();

        Assert.Equal(["node-a", "node-b"], claims.Select(claim => claim.Holder.Node));
        Assert.Equal([X, Y], claims.Select(claim => claim.Target));
    }

    private ITagGrain Tag() => _index.Grains.GetGrain<ITagGrain>(TestKeys.Tag());

    private static TagTarget Target(char hex) =>
        new("sha256:" + new string(hex, 64), "application/vnd.oci.image.index.v1+json", 1234);
}
