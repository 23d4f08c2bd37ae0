using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Processes;
using Spegel.TestSupport.Redis;

namespace Spegel.IntegrationTests.Cluster;

/// <summary>
/// Three real <c>spegel run --clustering redis</c> processes on loopback, sharing one private Redis; node N serves an
/// OCI layout holding only <see cref="Images"/>[N-1].
/// </summary>
public sealed class RedisClusterNodes : IAsyncLifetime
{
    public string ClusterId { get; } = $"test-{Guid.NewGuid():N}";
    private readonly List<string> _layouts = [];

    public RedisServer Redis { get; } = new();

    public IReadOnlyList<TestImage> Images { get; } =
    [
        TestImageBuilder.Oci("docker.io/library/one:v1", 401, 100_000),
        TestImageBuilder.Oci("docker.io/library/two:v1", 402, 100_000, 50_000),
        TestImageBuilder.Oci("docker.io/library/three:v1", 403, 100_000),
    ];

    public SpegelNodeProcess?[] Nodes { get; } = new SpegelNodeProcess?[3];

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async ValueTask InitializeAsync()
    {
        await Redis.InitializeAsync();
        for (var i = 0; i < Images.Count; i++)
        {
            var layout = Directory.CreateTempSubdirectory($"spegel-node{i + 1}-").FullName;
            _layouts.Add(layout);
            OciLayoutWriter.Write(layout, Images[i]);
        }

        await Task.WhenAll(Enumerable.Range(0, 3).Select(async i => Nodes[i] = await StartNodeAsync(i)));
        await WaitForAsync(async () => (await ActiveSilosAsync(0)).Count == 3, TimeSpan.FromSeconds(90), "the cluster to form");
        foreach (var node in Nodes)
        {
            await WaitForAsync(async () =>
            {
                using var ready = await Http.GetAsync(new Uri(node!.OpsAddress, "/readyz"));
                return ready.IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(60), "every node to be ready");
        }
    }

    /// <summary>Starts node <paramref name="index"/> (again), on the same registry and silo ports as before if it ran.</summary>
    public Task<SpegelNodeProcess> StartNodeAsync(int index, SpegelNodeProcess? previous = null) =>
        SpegelNodeProcess.StartAsync(
            ["--store", $"oci:{_layouts[index]}", "--clustering", "redis", "--redis", Redis.ConnectionString,
             "--cluster-id", ClusterId, "--node-name", $"node{index + 1}", "--advertise-address", "127.0.0.1"],
            registryPort: previous?.RegistryPort, opsPort: previous?.OpsPort);

    public async Task<IReadOnlyList<string>> HoldersAsync(int fromNode, string digest)
    {
        using var response = await Http.GetAsync(new Uri(Nodes[fromNode]!.OpsAddress, $"/debug/holders/{digest}"));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.GetProperty("holders").EnumerateArray().Select(holder => holder.GetProperty("node").GetString()!).Order()];
    }

    /// <summary>The nodes that <paramref name="name"/> resolves to, seen from <paramref name="fromNode"/> (empty when none).</summary>
    public async Task<IReadOnlyList<string>> TagHoldersAsync(int fromNode, string name)
    {
        using var response = await Http.GetAsync(new Uri(Nodes[fromNode]!.OpsAddress, $"/debug/tags/{name}"));
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.GetProperty("holders").EnumerateArray().Select(holder => holder.GetString()!).Order()];
    }

    public async Task<IReadOnlyList<string>> ActiveSilosAsync(int fromNode)
    {
        try
        {
            var json = await Http.GetFromJsonAsync<JsonElement>(new Uri(Nodes[fromNode]!.OpsAddress, "/debug/cluster"));
            return [.. json.GetProperty("silos").EnumerateArray()
                .Where(silo => silo.GetProperty("status").GetString() == "Active")
                .Select(silo => silo.GetProperty("name").GetString()!)];
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; a lookup that fails or times out counts as "not yet".</summary>
    public static async Task<TimeSpan> WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                {
                    return clock.Elapsed;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // The node is busy (e.g. a grain call waits for membership to settle); ask again.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Gave up waiting for {what} after {timeout}.");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        await Redis.DisposeAsync();
        _layouts.ForEach(layout => Directory.Delete(layout, recursive: true));
    }
}
