using System.Net;
using System.Text.RegularExpressions;
using Spegel.IntegrationTests.Cluster;
using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Processes;

namespace Spegel.IntegrationTests.Operations;

/// <summary>After a blob is served from a peer, an operator can see it: in /metrics, on /debug, and in the logs.</summary>
public sealed partial class ObservabilityTests(RedisClusterNodes cluster) : IClassFixture<RedisClusterNodes>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PeerBlob_ShowsInMetricsAndOnDebugPage()
    {
        var layer = cluster.Images[1].Blobs[^1];
        var node1 = cluster.Nodes[0]!;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await RedisClusterNodes.WaitForAsync(async () => (await cluster.HoldersAsync(0, layer.Digest)).Count == 1, TimeSpan.FromSeconds(30), "the advertisement");

        using var blob = await http.GetAsync(new Uri(node1.RegistryAddress, $"/v2/library/two/blobs/{layer.Digest}?ns=docker.io"), Token);
        using var miss = await http.GetAsync(new Uri(node1.RegistryAddress, $"/v2/library/two/blobs/sha256:{new string('2', 64)}?ns=docker.io"), Token);
        var metrics = await http.GetStringAsync(new Uri(node1.OpsAddress, "/metrics"), Token);
        var debug = await http.GetStringAsync(new Uri(node1.OpsAddress, $"/debug?lookup={layer.Digest}"), Token);

        Assert.Equal(HttpStatusCode.OK, blob.StatusCode);
        Assert.Equal(layer.Bytes, await blob.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(HttpStatusCode.NotFound, miss.StatusCode);
        Assert.True(Sample(metrics, "spegel_registry_requests_total", "source=\"peer\"") >= 1, metrics);
        Assert.True(Sample(metrics, "spegel_registry_requests_total", "source=\"miss\"") >= 1, metrics);
        Assert.True(Sample(metrics, "spegel_registry_served_bytes_total", "source=\"peer\"") >= layer.Size, metrics);
        Assert.True(Sample(metrics, "spegel_mirror_peer_requests_total", "outcome=\"ok\"") >= 1, metrics);
        Assert.True(Sample(metrics, "spegel_agent_advertised_digests", "") >= 1, metrics);
        Assert.Contains("node2", debug, StringComparison.Ordinal);
        Assert.Contains($"GET docker.io/library/two@{layer.Digest}", debug, StringComparison.Ordinal);
        Assert.Contains("<td>peer</td>", debug, StringComparison.Ordinal);
        Assert.Contains("<td>miss</td>", debug, StringComparison.Ordinal);
        Assert.Contains("1 holders of", debug, StringComparison.Ordinal);
        Assert.All(DashboardMetricNames(), name => Assert.Matches($"(?m)^{name}(_bucket)?[{{ ]", metrics));
    }

    /// <summary>The metric names the Grafana dashboard in k8s/ queries (its hidden metric_* constants).</summary>
    private static IEnumerable<string> DashboardMetricNames()
    {
        using var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "k8s", "grafana-dashboard.json")));
        return [.. dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Where(variable => variable.GetProperty("name").GetString()!.StartsWith("metric_", StringComparison.Ordinal))
            .Select(variable => variable.GetProperty("query").GetString()!)];
    }

    [Fact]
    public async Task OpsEndpoints_AnswerOnOpsPortOnly()
    {
        var node = cluster.Nodes[2]!;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        using var metricsOnRegistry = await http.GetAsync(new Uri(node.RegistryAddress, "/metrics"), Token);
        using var debugOnRegistry = await http.GetAsync(new Uri(node.RegistryAddress, "/debug"), Token);
        using var dashboardOnRegistry = await http.GetAsync(new Uri(node.RegistryAddress, "/dashboard/"), Token);
        using var dashboard = await http.GetAsync(new Uri(node.OpsAddress, "/dashboard/"), Token);
        using var dashboardData = await http.GetAsync(new Uri(node.OpsAddress, "/dashboard/ClusterStats"), Token);
        using var ready = await http.GetAsync(new Uri(node.OpsAddress, "/readyz"), Token);
        using var live = await http.GetAsync(new Uri(node.OpsAddress, "/healthz"), Token);

        Assert.Equal(HttpStatusCode.NotFound, metricsOnRegistry.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, debugOnRegistry.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, dashboardOnRegistry.StatusCode);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("<html", await dashboard.Content.ReadAsStringAsync(Token), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, dashboardData.StatusCode);
        Assert.Equal("application/json", dashboardData.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task StatusCommand_ThroughOneGateway_ListsEveryNodeWithItsCounts()
    {
        await RedisClusterNodes.WaitForAsync(async () => (await cluster.HoldersAsync(0, cluster.Images[2].Target.Digest)).Count == 1,
            TimeSpan.FromSeconds(30), "the advertisements");

        var status = await ProcessRunner.RunAsync("dotnet", [RepositoryPaths.SpegelDll, "status",
            "--gateway", $"127.0.0.1:{cluster.Nodes[0]!.GatewayPort}", "--cluster-id", cluster.ClusterId], TimeSpan.FromSeconds(60), Token);

        Assert.True(status.ExitCode == 0, status.StandardError);
        var lines = status.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NODE", lines[0], StringComparison.Ordinal);
        foreach (var node in new[] { "node1", "node2", "node3" })
        {
            var line = Assert.Single(lines, line => line.StartsWith(node + " ", StringComparison.Ordinal));
            Assert.Matches(@"^node\d\s+Active\s+[1-9]\d*\s+1\s+http://127\.0\.0\.1:\d+", line);
        }
    }

    [Fact]
    public async Task StatusCommand_NoGateway_FailsWithClearMessage()
    {
        var status = await ProcessRunner.RunAsync("dotnet", [RepositoryPaths.SpegelDll, "status", "--gateway", "127.0.0.1:1"],
            TimeSpan.FromSeconds(60), Token);

        Assert.Equal(1, status.ExitCode);
        Assert.Contains("cannot reach the cluster through the gateway 127.0.0.1:1", status.StandardError, StringComparison.Ordinal);
    }

    /// <summary>The sum of the samples of <paramref name="metric"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Sample(string exposition, string metric, string label) => SampleLine().Matches(exposition)
        .Where(match => match.Groups["name"].Value == metric && match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
        .Sum(match => double.Parse(match.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-z_]+)(?:\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
