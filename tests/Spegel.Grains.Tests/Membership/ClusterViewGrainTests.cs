using Spegel.Grains.Membership;
using Spegel.Grains.Tests.Infrastructure;

namespace Spegel.Grains.Tests.Membership;

[Collection(SharedIndexClusterCollection.Name)]
public sealed class ClusterViewGrainTests(SharedIndexCluster shared)
{
    private readonly IndexCluster _index = shared.Index;

    [Fact]
    public async Task ListActiveSilosAsync_ThreeSiloCluster_ReturnsEverySilo()
    {
        var grain = _index.Grains.GetGrain<IClusterViewGrain>(IClusterViewGrain.Key);

        var silos = await grain.ListActiveSilosAsync();

        Assert.Equal(
            _index.Cluster.Silos.Select(silo => silo.SiloAddress).Order(),
            silos.Select(view => view.Silo).Order());
        Assert.All(silos, view => Assert.Equal(SiloStatus.Active, view.Status));
    }
}
