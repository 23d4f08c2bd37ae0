using System.Diagnostics;
using System.Net;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Processes;
using Spegel.TestSupport.Redis;

namespace Spegel.IntegrationTests.Cluster;

/// <summary>A node whose Redis is down at start still serves its own content, answers misses fast, and joins later.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task RedisDownAtStart_ServesLocalContentAnswers404FastAndJoinsOnceRedisIsUp()
    {
        var image = TestImageBuilder.Oci("docker.io/library/outage:v1", 501, 200_000);
        var layout = Directory.CreateTempSubdirectory("spegel-outage-").FullName;
        OciLayoutWriter.Write(layout, image);
        await using var redis = new RedisServer();
        await using var node = await SpegelNodeProcess.StartAsync(["--store", $"oci:{layout}", "--clustering", "redis",
            "--redis", redis.ConnectionString, "--cluster-id", $"outage-{Guid.NewGuid():N}", "--advertise-address", "127.0.0.1"]);
        using var http = new HttpClient { BaseAddress = node.RegistryAddress, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var local = await http.GetAsync($"/v2/library/outage/blobs/{image.Blobs[^1].Digest}", TestContext.Current.CancellationToken);
            var missClock = Stopwatch.StartNew();
            using var miss = await http.GetAsync($"/v2/library/outage/blobs/sha256:{new string('1', 64)}", TestContext.Current.CancellationToken);
            var missTime = missClock.Elapsed;
            using var notReady = await http.GetAsync(new Uri(node.OpsAddress, "/readyz"), TestContext.Current.CancellationToken);
            var notReadyBody = await notReady.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            await RedisClusterNodes.WaitForAsync(() => Task.FromResult(node.Output.Contains("could not join the cluster", StringComparison.Ordinal)
                || node.Output.Contains("Not in the cluster after", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30), "the node to report that it cannot join");

            await redis.InitializeAsync();
            var joined = await RedisClusterNodes.WaitForAsync(async () =>
            {
                using var ready = await http.GetAsync(new Uri(node.OpsAddress, "/readyz"));
                return ready.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(90), "the node to join once Redis is up");

            Assert.Equal(HttpStatusCode.OK, local.StatusCode);
            Assert.Equal(image.Blobs[^1].Bytes, await local.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
            Assert.Equal(HttpStatusCode.NotFound, miss.StatusCode);
            Assert.True(missTime < TimeSpan.FromSeconds(1), $"a miss took {missTime} while the cluster was unreachable");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Contains(redis.ConnectionString, node.Output, StringComparison.Ordinal);
            Assert.Contains("cluster: Unhealthy (", notReadyBody, StringComparison.Ordinal);
            Assert.Contains($"the cluster (redis {redis.ConnectionString})", notReadyBody, StringComparison.Ordinal);
            TestContext.Current.SendDiagnosticMessage($"joined {joined.TotalSeconds:F1} s after Redis came up");
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
        }
    }
}
