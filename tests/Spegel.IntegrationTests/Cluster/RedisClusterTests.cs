namespace Spegel.IntegrationTests.Cluster;

/// <summary>Three processes clustered through a real Redis: what one node holds, every node can look up.</summary>
public sealed class RedisClusterTests(RedisClusterNodes cluster) : IClassFixture<RedisClusterNodes>
{
    [Fact]
    public async Task Cluster_ThreeNodes_EveryNodeSeesAllSilosActive()
    {
        foreach (var node in new[] { 0, 1, 2 })
        {
            var silos = await cluster.ActiveSilosAsync(node);

            Assert.Equal(["node1", "node2", "node3"], silos.Order());
        }
    }

    [Fact]
    public async Task Holders_DigestOnlyOnNodeTwo_IsListedWithNodeTwoFromNodesOneAndThree()
    {
        var layer = cluster.Images[1].Blobs[^1].Digest;

        await RedisClusterNodes.WaitForAsync(async () => (await cluster.HoldersAsync(0, layer)).Count > 0, TimeSpan.FromSeconds(30), "the advertisement");

        Assert.Equal(["node2"], await cluster.HoldersAsync(0, layer));
        Assert.Equal(["node2"], await cluster.HoldersAsync(2, layer));
    }
}
