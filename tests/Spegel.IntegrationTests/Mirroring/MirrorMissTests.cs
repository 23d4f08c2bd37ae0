using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Upstream;

namespace Spegel.IntegrationTests.Mirroring;

/// <summary>
/// Content that no node holds: node B's endpoint answers a fast 404 with an OCI error body, so that containerd falls
/// back to the next host, here a real Distribution registry kept as <c>server</c> by <c>spegel configure --prepend-existing</c>.
/// </summary>
[Collection(ContainerdPeerCluster.Collection)]
public sealed class MirrorMissTests(ContainerdPeerCluster cluster)
{
    /// <summary>
    /// A miss costs a cluster lookup, itself bounded by one second; anything near containerd's patience (it waits
    /// forever) would be a hang. Generous for a loaded machine, far below any timeout.
    /// </summary>
    private static readonly TimeSpan FastMiss = TimeSpan.FromSeconds(2);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static readonly TestImage Unheld = TestImageBuilder.Oci($"{ContainerdPeerCluster.Registry}/library/nowhere:v1", 611, 50_000);

    [Theory]
    [InlineData("HEAD", "manifest", "MANIFEST_UNKNOWN")]
    [InlineData("GET", "manifest", "MANIFEST_UNKNOWN")]
    [InlineData("HEAD", "manifest-by-digest", "MANIFEST_UNKNOWN")]
    [InlineData("GET", "manifest-by-digest", "MANIFEST_UNKNOWN")]
    [InlineData("HEAD", "blob", "BLOB_UNKNOWN")]
    [InlineData("GET", "blob", "BLOB_UNKNOWN")]
    public async Task RegistryEndpoint_ContentNoNodeHolds_Answers404WithAnOciErrorQuickly(string method, string what, string code)
    {
        var uri = what switch
        {
            "manifest" => ContainerdPeerCluster.ManifestUri(cluster.B, Unheld, Unheld.Tag),
            "manifest-by-digest" => ContainerdPeerCluster.ManifestUri(cluster.B, Unheld, Unheld.Target.Digest),
            _ => ContainerdPeerCluster.BlobUri(cluster.B, Unheld, Unheld.Blobs[^1]),
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        var clock = Stopwatch.StartNew();

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        clock.Stop();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(clock.Elapsed < FastMiss, $"{method} {uri} took {clock.Elapsed}");
        if (method == "GET")
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var json = JsonDocument.Parse(body);
            Assert.Equal(code, json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task CtrPull_ImageNoNodeHolds_SucceedsFromTheUpstreamThatPrependExistingKept()
    {
        await using var upstream = new DistributionRegistry();
        await upstream.InitializeAsync();
        var image = TestImageBuilder.Oci($"{upstream.Host}/library/upstream-only:v1", 612, 300_000, 100_000);
        await upstream.PushAsync(image);
        var certs = Directory.CreateTempSubdirectory("spegel-certs-").FullName;
        try
        {
            var hostsToml = Path.Combine(certs, upstream.Host, "hosts.toml");
            Directory.CreateDirectory(Path.GetDirectoryName(hostsToml)!);
            await File.WriteAllTextAsync(hostsToml, $"server = \"{upstream.Address.ToString().TrimEnd('/')}\"\n", TestContext.Current.CancellationToken);
            await cluster.ConfigureAsync(certs, upstream.Host, prependExisting: true);
            var written = await File.ReadAllTextAsync(hostsToml, TestContext.Current.CancellationToken);

            var pull = await cluster.PullOnBAsync(image.Name, TimeSpan.FromMinutes(2), certs);

            Assert.Contains($"server = \"{upstream.Address.ToString().TrimEnd('/')}\"", written, StringComparison.Ordinal);
            Assert.Contains($"[host.\"{cluster.B.Process.RegistryAddress.ToString().TrimEnd('/')}\"]", written, StringComparison.Ordinal);
            Assert.True(pull.ExitCode == 0, $"pull failed:\n{pull.StandardOutput}\n{pull.StandardError}\nhosts.toml:\n{written}");
            Assert.Contains(image.Target.Digest, await cluster.B.CtrAsync("images", "ls"), StringComparison.Ordinal);
            Assert.Superset(image.Blobs.Select(blob => blob.Digest).ToHashSet(), (await cluster.B.ContentAsync()).ToHashSet());
            Assert.Contains("library/upstream-only", cluster.OutputOfB, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(certs, recursive: true);
        }
    }
}
