using Spegel.TestSupport.Images;

namespace Spegel.IntegrationTests.Mirroring;

/// <summary>containerd on node B pulls, through its local spegel, what only node A holds; the upstream refuses everything.</summary>
[Collection(ContainerdPeerCluster.Collection)]
public sealed class ContainerdPullThroughMirrorTests(ContainerdPeerCluster cluster)
{
    private static readonly TimeSpan PullTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task CtrPull_ImageOnlyNodeAHolds_SucceedsOnNodeBWithTheSameDigests()
    {
        var image = TestImageBuilder.Oci($"{ContainerdPeerCluster.Registry}/library/app:v1", 601, 3_000_000, 6_000_000, 1_000_000);
        await cluster.A.ImportAsync(image);
        await cluster.WaitUntilAdvertisedAsync(image, cluster.A);

        var pull = await cluster.PullOnBAsync(image.Name, PullTimeout);

        Assert.True(pull.ExitCode == 0, $"pull failed:\n{pull.StandardOutput}\n{pull.StandardError}\nnode B:\n{cluster.OutputOfB}");
        var images = await cluster.B.CtrAsync("images", "ls");
        Assert.Contains(image.Target.Digest, images, StringComparison.Ordinal);
        Assert.Superset(image.Blobs.Select(blob => blob.Digest).ToHashSet(), (await cluster.B.ContentAsync()).ToHashSet());
    }

    [Fact]
    public async Task CtrPull_MultiArchIndexOfWhichNodeAHoldsOnlyTheHostPlatform_SucceedsOnNodeBForTheHostPlatform()
    {
        var other = ContainerdPeerCluster.HostPlatform == "linux/amd64" ? "linux/arm64" : "linux/amd64";
        var image = TestImageBuilder.MultiArch($"{ContainerdPeerCluster.Registry}/library/multi:v1", 602, [other, ContainerdPeerCluster.HostPlatform], 400_000, 200_000);
        var hostBlobs = image.BlobsForPlatform(ContainerdPeerCluster.HostPlatform).Select(blob => blob.Digest).ToHashSet();
        var otherBlobs = image.BlobsForPlatform(other).Select(blob => blob.Digest).Except(hostBlobs).ToHashSet();
        await cluster.A.ImportAsync(image);
        await cluster.WaitUntilAdvertisedAsync(image, cluster.A);
        Assert.Empty(otherBlobs.Intersect(await cluster.A.ContentAsync()));

        var pull = await cluster.PullOnBAsync(image.Name, PullTimeout);

        Assert.True(pull.ExitCode == 0, $"pull failed:\n{pull.StandardOutput}\n{pull.StandardError}\nnode B:\n{cluster.OutputOfB}");
        Assert.Contains(image.Target.Digest, await cluster.B.CtrAsync("images", "ls"), StringComparison.Ordinal);
        var content = await cluster.B.ContentAsync();
        Assert.Superset(hostBlobs, content.ToHashSet());
        Assert.Empty(otherBlobs.Intersect(content));
    }
}
