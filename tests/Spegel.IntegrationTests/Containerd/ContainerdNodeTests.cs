using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Spegel.IntegrationTests.Cluster;
using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Processes;

namespace Spegel.IntegrationTests.Containerd;

/// <summary>A single node serving a real containerd's content: started before containerd, then copied from by skopeo.</summary>
public sealed class ContainerdNodeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ContainerdDownAtStart_NodeServes404sAndNotReady_ThenAdvertisesAndServesOnceContainerdIsUp()
    {
        await using var daemon = new ContainerdDaemon();
        await using var node = await SpegelNodeProcess.StartAsync(["--store", "containerd", "--containerd-socket", daemon.SocketPath,
            "--containerd-content-path", daemon.ContentPath, "--containerd-namespace", "k8s.io"]);
        using var http = new HttpClient { BaseAddress = node.RegistryAddress, Timeout = TimeSpan.FromSeconds(10) };
        var image = TestImageBuilder.Oci("docker.io/library/late:v1", 701, 500_000);
        var layer = image.Blobs[^1];

        var clock = Stopwatch.StartNew();
        using var missWhileDown = await http.GetAsync($"/v2/library/late/blobs/{layer.Digest}", Token);
        var missTime = clock.Elapsed;
        using var notReady = await http.GetAsync(new Uri(node.OpsAddress, "/readyz"), Token);
        var notReadyBody = await notReady.Content.ReadAsStringAsync(Token);
        await daemon.InitializeAsync();
        await ImportAsync(daemon, image);
        await RedisClusterNodes.WaitForAsync(async () =>
        {
            using var holders = await http.GetAsync(new Uri(node.OpsAddress, $"/debug/holders/{layer.Digest}"));
            return (await holders.Content.ReadAsStringAsync()).Contains("\"node\"", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60), "the node to advertise once containerd is up");
        using var ready = await http.GetAsync(new Uri(node.OpsAddress, "/readyz"), Token);
        using var served = await http.GetAsync($"/v2/library/late/blobs/{layer.Digest}", Token);

        Assert.Equal(HttpStatusCode.NotFound, missWhileDown.StatusCode);
        Assert.True(missTime < TimeSpan.FromSeconds(3), $"a miss took {missTime} while containerd was down");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains(daemon.SocketPath, notReadyBody, StringComparison.Ordinal);
        Assert.Contains(daemon.SocketPath, node.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(layer.Bytes, await served.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task SkopeoCopy_FromContainerdStore_IsByteIdentical()
    {
        await using var daemon = new ContainerdDaemon();
        await daemon.InitializeAsync();
        var image = TestImageBuilder.Docker("docker.io/library/fromctd:v1", 702, 2_000_000, 3_000_000);
        await ImportAsync(daemon, image);
        await using var node = await SpegelNodeProcess.StartAsync(["--store", "containerd", "--containerd-socket", daemon.SocketPath,
            "--containerd-content-path", daemon.ContentPath, "--containerd-namespace", "k8s.io"]);
        var destination = Directory.CreateTempSubdirectory("spegel-skopeo-ctd-").FullName;
        try
        {
            var copy = await ProcessRunner.RunAsync("skopeo", ["--insecure-policy", "copy", "--src-tls-verify=false", "--preserve-digests",
                $"docker://127.0.0.1:{node.RegistryPort}/library/fromctd:v1", $"oci:{destination}:v1"], TimeSpan.FromMinutes(2), Token);

            Assert.True(copy.ExitCode == 0, $"skopeo failed:\n{copy.StandardError}\n{node.Output}");
            foreach (var blob in image.Blobs)
            {
                var bytes = await File.ReadAllBytesAsync(Path.Combine(destination, "blobs", "sha256", blob.Hex), Token);
                Assert.Equal(blob.Hex, Convert.ToHexStringLower(SHA256.HashData(bytes)));
                Assert.True(blob.Bytes.AsSpan().SequenceEqual(bytes));
            }
        }
        finally
        {
            Directory.Delete(destination, recursive: true);
        }
    }

    private static async Task ImportAsync(ContainerdDaemon daemon, TestImage image)
    {
        var archive = Path.Combine(daemon.Folder, $"{Guid.NewGuid():N}.tar");
        OciArchiveWriter.Write(archive, image);
        await daemon.CtrAsync("k8s.io", "images", "import", "--no-unpack", "--all-platforms", archive);
        File.Delete(archive);
    }
}
