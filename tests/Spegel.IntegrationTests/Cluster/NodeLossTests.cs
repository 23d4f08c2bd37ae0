namespace Spegel.IntegrationTests.Cluster;

/// <summary>
/// A node killed with SIGKILL disappears from every lookup once Orleans declares its silo dead, long before the
/// holder TTL; restarted, it is listed again after its advertisement. Uses a cluster of its own, since it kills a node.
/// </summary>
public sealed class NodeLossTests : IAsyncLifetime
{
    private readonly RedisClusterNodes _cluster = new();

    public ValueTask InitializeAsync() => _cluster.InitializeAsync();

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task KilledNode_IsGoneFromLookupsWithin30Seconds_AndBackAfterRestart()
    {
        var layer = _cluster.Images[1].Blobs[^1].Digest;
        await RedisClusterNodes.WaitForAsync(async () => (await _cluster.HoldersAsync(0, layer)).Count == 1, TimeSpan.FromSeconds(30), "the advertisement");
        var killed = _cluster.Nodes[1]!;

        await killed.KillAsync();
        var gone = await RedisClusterNodes.WaitForAsync(async () =>
            (await _cluster.HoldersAsync(0, layer)).Count == 0 && (await _cluster.HoldersAsync(2, layer)).Count == 0,
            TimeSpan.FromSeconds(30), "node2 to disappear from lookups");
        _cluster.Nodes[1] = await _cluster.StartNodeAsync(1, killed);
        await killed.DisposeAsync();
        await RedisClusterNodes.WaitForAsync(async () => (await _cluster.HoldersAsync(0, layer)).Count == 1, TimeSpan.FromSeconds(60), "node2 to come back");

        Assert.True(gone < TimeSpan.FromSeconds(30));
        Assert.Equal(["node2"], await _cluster.HoldersAsync(2, layer));
        TestContext.Current.SendDiagnosticMessage($"node2 disappeared from lookups {gone.TotalSeconds:F1} s after SIGKILL");
    }

    [Fact]
    public async Task GracefullyStoppedNode_WithdrawsItsHoldingsBeforeLeaving()
    {
        var layer = _cluster.Images[2].Blobs[^1].Digest;
        var tag = _cluster.Images[2].Name;
        await RedisClusterNodes.WaitForAsync(async () => (await _cluster.HoldersAsync(0, layer)).Count == 1, TimeSpan.FromSeconds(30), "the advertisement");
        var stopping = _cluster.Nodes[2]!;

        await stopping.StopAsync(TimeSpan.FromSeconds(30));
        var holders = await _cluster.HoldersAsync(0, layer);

        Assert.Empty(holders);
        Assert.Contains("Withdrew the inventory before leaving", stopping.Output, StringComparison.Ordinal);
        Assert.Empty(await _cluster.TagHoldersAsync(0, tag));
    }
}
