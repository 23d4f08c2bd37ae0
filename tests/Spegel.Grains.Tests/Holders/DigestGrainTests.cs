using Spegel.Grains.Holders;
using Spegel.Grains.Tests.Infrastructure;

namespace Spegel.Grains.Tests.Holders;

[Collection(SharedIndexClusterCollection.Name)]
public sealed class DigestGrainTests(SharedIndexCluster shared)
{
    private readonly IndexCluster _index = shared.Index;

    [Fact]
    public async Task ListAsync_UnknownDigest_ReturnsEmpty()
    {
        var grain = Digest();

        var holders = await grain.ListAsync();

        Assert.Empty(holders);
    }

    [Fact]
    public async Task ListAsync_AfterAdvertise_ReturnsHolderStampedWithIndexClock()
    {
        var grain = Digest();
        var holder = _index.HolderOn(1, "node-b");

        await grain.AdvertiseAsync(holder);
        var holders = await grain.ListAsync();

        var record = Assert.Single(holders);
        Assert.Equal(holder, record.Holder);
        Assert.Equal(_index.Clock.GetUtcNow(), record.RefreshedAt);
    }

    [Fact]
    public async Task ListAsync_SeveralHolders_ReturnsAllOrderedByNode()
    {
        var grain = Digest();

        await grain.AdvertiseAsync(_index.HolderOn(2, "node-c"));
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"));
        var holders = await grain.ListAsync();

        Assert.Equal(["node-a", "node-b", "node-c"], holders.Select(record => record.Holder.Node));
    }

    [Fact]
    public async Task AdvertiseAsync_SameNodeAgain_RefreshesAndReplacesItsRecord()
    {
        var grain = Digest();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));
        _index.Clock.Advance(TimeSpan.FromMinutes(1));
        var moved = _index.HolderOn(1, "node-a") with { Endpoint = "http://10.0.0.9:5000" };

        await grain.AdvertiseAsync(moved);
        var holders = await grain.ListAsync();

        var record = Assert.Single(holders);
        Assert.Equal(moved, record.Holder);
        Assert.Equal(_index.Clock.GetUtcNow(), record.RefreshedAt);
    }

    [Fact]
    public async Task WithdrawAsync_OneNode_RemovesOnlyThatNode()
    {
        var grain = Digest();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"));

        await grain.WithdrawAsync("node-a");
        var holders = await grain.ListAsync();

        Assert.Equal("node-b", Assert.Single(holders).Holder.Node);
    }

    [Fact]
    public async Task RejectCorruptAsync_Node_IsRemovedAndItsAdvertisementsRefusedForTheTtl()
    {
        var grain = Digest();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"));

        await grain.RejectCorruptAsync("node-a");
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));
        var whileRejected = await grain.ListAsync();
        _index.Clock.Advance(TimeSpan.FromMinutes(15));
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"));
        var afterTtl = await grain.ListAsync();

        Assert.Equal(["node-b"], whileRejected.Select(record => record.Holder.Node));
        Assert.Equal(["node-a", "node-b"], afterTtl.Select(record => record.Holder.Node));
    }

    [Fact]
    public async Task RejectCorruptAsync_ThenTheNodesOwnWithdrawal_LetsItAdvertiseAgain()
    {
        var grain = Digest();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));

        await grain.RejectCorruptAsync("node-a");
        await grain.WithdrawAsync("node-a");
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));
        var holders = await grain.ListAsync();

        Assert.Equal(["node-a"], holders.Select(record => record.Holder.Node));
    }

    [Fact]
    public async Task WithdrawAsync_NodeWithoutRecord_ChangesNothing()
    {
        var grain = Digest();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));

        await grain.WithdrawAsync("node-z");
        var holders = await grain.ListAsync();

        Assert.Equal("node-a", Assert.Single(holders).Holder.Node);
    }

    [Fact]
    public async Task AdvertiseAsync_NullHolder_Throws()
    {
        var grain = Digest();

        var advertise = () => grain.AdvertiseAsync(null!);

        await Assert.ThrowsAsync<ArgumentNullException>(advertise);
    }

    [Fact]
    public async Task ListAsync_HolderNotRefreshedWithinTtl_IsNotReturned()
    {
        var grain = Digest();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));
        _index.Clock.Advance(TimeSpan.FromMinutes(10));
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"));

        _index.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        var beforeTtl = await grain.ListAsync();
        _index.Clock.Advance(TimeSpan.FromSeconds(1));
        var atTtl = await grain.ListAsync();

        Assert.Equal(["node-a", "node-b"], beforeTtl.Select(record => record.Holder.Node));
        Assert.Equal("node-b", Assert.Single(atTtl).Holder.Node);
    }

    [Fact]
    public async Task ListAsync_OldestHolderRefreshed_NextOldestStillExpiresAtItsTtl()
    {
        var grain = Digest();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));
        _index.Clock.Advance(TimeSpan.FromMinutes(5));
        await grain.AdvertiseAsync(_index.HolderOn(1, "node-b"));
        _index.Clock.Advance(TimeSpan.FromMinutes(5));
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));

        _index.Clock.Advance(TimeSpan.FromMinutes(5));
        var afterFirstTtl = await grain.ListAsync();
        _index.Clock.Advance(TimeSpan.FromMinutes(5));
        var atSecondTtl = await grain.ListAsync();

        Assert.Equal(["node-a", "node-b"], afterFirstTtl.Select(record => record.Holder.Node));
        Assert.Equal("node-a", Assert.Single(atSecondTtl).Holder.Node);
    }

    [Fact]
    public async Task AdvertiseAsync_WithinTtl_KeepsHolderAlivePastTheFirstTtl()
    {
        var grain = Digest();
        var holder = _index.HolderOn(0, "node-a");
        await grain.AdvertiseAsync(holder);

        _index.Clock.Advance(TimeSpan.FromMinutes(14));
        await grain.AdvertiseAsync(holder);
        _index.Clock.Advance(TimeSpan.FromMinutes(14));
        var holders = await grain.ListAsync();

        Assert.Equal(holder, Assert.Single(holders).Holder);
    }

    [Fact]
    public async Task ListAsync_HolderInSiloMembershipHasNotSeen_IsHidden()
    {
        var grain = Digest();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));

        await grain.AdvertiseAsync(new Holder("node-new", "http://10.99.0.1:5000", IndexCluster.UnknownSilo()));
        var holders = await grain.ListAsync();

        Assert.Equal("node-a", Assert.Single(holders).Holder.Node);
    }

    [Fact]
    public async Task ListAsync_HolderInDeadPredecessorSilo_IsNotReturned()
    {
        var grain = Digest();
        await grain.AdvertiseAsync(_index.HolderOn(0, "node-a"));

        await grain.AdvertiseAsync(new Holder("node-old", "http://10.0.0.1:5000", _index.PredecessorOf(1)));
        var holders = await grain.ListAsync();

        Assert.Equal("node-a", Assert.Single(holders).Holder.Node);
    }

    private IDigestGrain Digest() => _index.Grains.GetGrain<IDigestGrain>(TestKeys.Digest());
}
