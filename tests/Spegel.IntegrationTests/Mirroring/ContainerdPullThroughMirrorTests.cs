using Spegel.TestSupport.Images;

namespace Spegel.IntegrationTests.Mirroring;

/// <summary>containerd on node B pulls, through its local spegel, what only node A holds; the upstream refuses everything.</summary>
public sealed class ContainerdPullThroughMirrorTests(ContainerdPeerCluster cluster) : IClassFixture<ContainerdPeerCluster>
{
    [Fact]
    public async Task CtrPull_ImageOnlyNodeAHolds_SucceedsOnNodeBWithTheSameDigests()
    {
        var image = TestImageBuilder.Oci($"{ContainerdPeerCluster.Registry}/library/app:v1", 601, 3_000_000, 6_000_000, 1_000_000);
        await cluster.ImportIntoAAsync(image);
        await cluster.WaitUntilAdvertisedAsync(image);

        var pull = await cluster.PullOnBAsync(image.Name, TimeSpan.FromMinutes(3));

        Assert.True(pull.ExitCode == 0, $"pull failed:\n{pull.StandardOutput}\n{pull.StandardError}\nnode B:\n{cluster.NodeB.Output}");
        var images = await cluster.DaemonB.CtrAsync(ContainerdPeerCluster.Namespace, "images", "ls");
        Assert.Contains(image.Target.Digest, images, StringComparison.Ordinal);
        Assert.Superset(image.Blobs.Select(blob => blob.Digest).ToHashSet(), (await cluster.ContentOnBAsync()).ToHashSet());
    }
}
