using Spegel.IntegrationTests.Cluster;
using Spegel.TestSupport.Images;

namespace Spegel.IntegrationTests.Mirroring;

/// <summary>
/// A holder whose blob file was damaged on disk (same size, other bytes): its bytes never make a wrong image on B,
/// it is withdrawn as a holder, and the image is then pulled from a good holder.
/// </summary>
[Collection(ContainerdPeerCluster.Collection)]
public sealed class CorruptHolderTests(ContainerdPeerCluster cluster)
{
    private static readonly TimeSpan PullTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task CtrPull_HolderWithACorruptBlobOnDisk_FailsWithoutAnImage_WithdrawsIt_AndLaterSucceedsFromAGoodHolder()
    {
        // Several relay chunks long, so that the mismatch shows only after bytes went out and the body must be aborted.
        var image = TestImageBuilder.Oci($"{ContainerdPeerCluster.Registry}/library/corrupt:v1", 641, 2_000_000);
        var layer = image.Blobs[^1];
        await cluster.A.ImportAsync(image);
        await cluster.WaitUntilAdvertisedAsync(image, cluster.A);
        await CorruptAsync(cluster.A.BlobPath(layer));

        var failed = await cluster.PullOnBAsync(image.Name, PullTimeout);
        var imagesAfterFailure = await cluster.B.ImageNamesAsync();
        var contentAfterFailure = await cluster.B.ContentAsync();
        await RedisClusterNodes.WaitForAsync(async () => !(await ContainerdPeerCluster.HoldersAsync(cluster.B, layer.Digest)).Contains(cluster.A.Name),
            TimeSpan.FromSeconds(10), $"{cluster.A.Name} to be withdrawn as a holder of {layer.Digest}");
        await cluster.C.ImportAsync(image);
        await cluster.WaitUntilAdvertisedAsync(image, cluster.C);
        var holdersBeforeRetry = await ContainerdPeerCluster.HoldersAsync(cluster.B, layer.Digest);
        await cluster.B.ForgetAsync(image);
        var retried = await cluster.PullOnBAsync(image.Name, PullTimeout);

        Assert.True(failed.ExitCode != 0, $"the pull through the corrupt holder succeeded:\n{failed.StandardOutput}\n{cluster.MirrorLogOfB(layer.Digest)}");
        Assert.DoesNotContain(image.Name, imagesAfterFailure);
        Assert.DoesNotContain(layer.Digest, contentAfterFailure);
        Assert.DoesNotContain(cluster.A.Name, holdersBeforeRetry);
        Assert.True(retried.ExitCode == 0, $"the pull from the good holder failed:\n{retried.StandardError}\n{cluster.MirrorLogOfB(layer.Digest)}");
        Assert.Superset(image.Blobs.Select(blob => blob.Digest).ToHashSet(), (await cluster.B.ContentAsync()).ToHashSet());
    }

    /// <summary>Overwrites 4 KiB at the start of the file with other bytes, keeping its size.</summary>
    private static async Task CorruptAsync(string path)
    {
        var length = new FileInfo(path).Length;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            var head = new byte[4096];
            await file.ReadExactlyAsync(head, TestContext.Current.CancellationToken);
            for (var i = 0; i < head.Length; i++)
            {
                head[i] ^= 0x5A;
            }

            file.Position = 0;
            await file.WriteAsync(head, TestContext.Current.CancellationToken);
        }

        Assert.Equal(length, new FileInfo(path).Length);
    }
}
