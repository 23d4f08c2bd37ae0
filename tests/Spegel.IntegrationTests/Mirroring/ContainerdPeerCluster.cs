using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Spegel.IntegrationTests.Cluster;
using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Processes;
using Spegel.TestSupport.Redis;

namespace Spegel.IntegrationTests.Mirroring;

/// <summary>
/// Four nodes as they run in production, on loopback: each a private containerd and a <c>spegel run --store
/// containerd --clustering redis</c> beside it, sharing one Redis. Images live under the registry name
/// <see cref="Registry"/>, a closed loopback port, so that a pull can only succeed through the mirror.
/// </summary>
/// <remarks>
/// Roles: <see cref="A"/> and <see cref="C"/> hold images; <see cref="B"/> pulls them (its <c>certs.d</c> is
/// <see cref="HostsDirectory"/>) and logs at trace level, which names the holder each relayed chunk came from;
/// <see cref="D"/> only asks, with a short <c>--peer-timeout</c> of <see cref="ShortPeerTimeout"/>. Shared by every
/// class of <see cref="Collection"/>, which run one after another; a test that kills or freezes a node restores it,
/// and every test uses images of its own.
/// </remarks>
public sealed class ContainerdPeerCluster : IAsyncLifetime
{
    public const string Collection = "containerd peer cluster";

    /// <summary>An upstream that refuses every connection.</summary>
    public const string Registry = "127.0.0.1:1";

    public const string Namespace = "k8s.io";

    /// <summary>Node D's <c>--peer-timeout</c>.</summary>
    public static readonly TimeSpan ShortPeerTimeout = TimeSpan.FromMilliseconds(500);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly string _clusterId = $"peer-{Guid.NewGuid():N}";

    public ContainerdPeerCluster()
    {
        A = Node("node-a", "debug");
        B = Node("node-b", "trace");
        C = Node("node-c", "debug");
        D = Node("node-d", "debug", "--peer-timeout", "500ms");
    }

    public RedisServer Redis { get; } = new();

    public ContainerdPeerNode A { get; }

    public ContainerdPeerNode B { get; }

    public ContainerdPeerNode C { get; }

    public ContainerdPeerNode D { get; }

    public IReadOnlyList<ContainerdPeerNode> Nodes => [A, B, C, D];

    /// <summary>This machine's platform, which <c>ctr images pull</c> fetches by default, e.g. <c>linux/amd64</c>.</summary>
    public static string HostPlatform { get; } = RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "linux/amd64",
        Architecture.Arm64 => "linux/arm64",
        var other => throw new PlatformNotSupportedException($"No image platform for {other}."),
    };

    /// <summary>B's <c>certs.d</c>, written by <c>spegel configure</c> with B's endpoint as the only mirror.</summary>
    public string HostsDirectory { get; } = Directory.CreateTempSubdirectory("spegel-certs-").FullName;

    public async ValueTask InitializeAsync()
    {
        await Redis.InitializeAsync();
        await Task.WhenAll(Nodes.Select(node => node.StartAsync()));
        await ConfigureAsync(HostsDirectory, Registry);
        await RedisClusterNodes.WaitForAsync(async () => (await ActiveSilosAsync(B)).Count == Nodes.Count, TimeSpan.FromSeconds(60), "the cluster to form");
    }

    /// <summary>Runs <c>spegel configure</c> for <paramref name="registry"/> with B's endpoint as the mirror.</summary>
    public async Task<ProcessResult> ConfigureAsync(string configPath, string registry, bool prependExisting = false)
    {
        string[] prepend = prependExisting ? ["--prepend-existing"] : [];
        var result = await ProcessRunner.RunAsync("dotnet",
        [
            RepositoryPaths.SpegelDll, "configure", "--config-path", configPath,
            "--mirror-targets", B.Process.RegistryAddress.ToString().TrimEnd('/'), "--mirrored-registries", registry, .. prepend,
        ]);
        return result.EnsureSuccess();
    }

    /// <summary>
    /// Waits (bounded) until B's view of the cluster resolves <paramref name="image"/>'s tag and lists each of
    /// <paramref name="holders"/> for every blob of the host platform.
    /// </summary>
    public Task WaitUntilAdvertisedAsync(TestImage image, params ContainerdPeerNode[] holders) => RedisClusterNodes.WaitForAsync(async () =>
    {
        using var response = await Http.GetAsync(new Uri(B.Process.OpsAddress, $"/debug/tags/{image.Name}"));
        if (!response.IsSuccessStatusCode
            || (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("target").GetProperty("digest").GetString() != image.Target.Digest)
        {
            return false;
        }

        foreach (var blob in image.BlobsForPlatform(HostPlatform))
        {
            var listed = await HoldersAsync(B, blob.Digest);
            if (holders.Any(holder => !listed.Contains(holder.Name)))
            {
                return false;
            }
        }

        return true;
    }, TimeSpan.FromSeconds(60), $"{image.Name} to be advertised by {string.Join(", ", holders.Select(h => h.Name))}");

    /// <summary>The nodes that <paramref name="observer"/>'s view of the cluster lists as holders of <paramref name="digest"/>.</summary>
    public static async Task<IReadOnlyList<string>> HoldersAsync(ContainerdPeerNode observer, string digest)
    {
        using var response = await Http.GetAsync(new Uri(observer.Process.OpsAddress, $"/debug/holders/{digest}"));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.GetProperty("holders").EnumerateArray().Select(holder => holder.GetProperty("node").GetString()!).Order()];
    }

    /// <summary>The names of the silos that <paramref name="observer"/> sees as active.</summary>
    public static async Task<IReadOnlyList<string>> ActiveSilosAsync(ContainerdPeerNode observer)
    {
        var json = await Http.GetFromJsonAsync<JsonElement>(new Uri(observer.Process.OpsAddress, "/debug/cluster"));
        return [.. json.GetProperty("silos").EnumerateArray()
            .Where(silo => silo.GetProperty("status").GetString() == "Active")
            .Select(silo => silo.GetProperty("name").GetString()!)];
    }

    /// <summary>
    /// Kills <paramref name="node"/>'s spegel (if still running) and starts it again on the same ports; it advertises
    /// its inventory anew. The killed incarnation is declared dead by Orleans some tens of seconds later; until then
    /// grains it hosted do not answer, which lookups meet with a 404 and the waits of later tests simply outlast.
    /// </summary>
    public static Task RestartAsync(ContainerdPeerNode node) => node.RestartAsync();

    /// <summary>B's log lines about <paramref name="digest"/> (not the per-chunk trace), for failure messages.</summary>
    public string MirrorLogOfB(string digest) => string.Join('\n', OutputOfB.Split('\n')
        .Where(line => line.Contains(digest, StringComparison.Ordinal) || line.Contains("Aborted", StringComparison.Ordinal)));

    /// <summary>Pulls <paramref name="reference"/> on node B's containerd through its hosts.toml.</summary>
    public Task<ProcessResult> PullOnBAsync(string reference, TimeSpan timeout, string? hostsDirectory = null) =>
        ProcessRunner.RunAsync("ctr", ["-a", B.Daemon.SocketPath, "-n", Namespace, "images", "pull", "--hosts-dir", hostsDirectory ?? HostsDirectory, reference], timeout);

    /// <summary><c>/v2/REPOSITORY/blobs/DIGEST?ns=REGISTRY</c> on <paramref name="node"/>'s registry endpoint.</summary>
    public static Uri BlobUri(ContainerdPeerNode node, TestImage image, TestBlob blob) =>
        new(node.Process.RegistryAddress, $"/v2/{image.Repository}/blobs/{blob.Digest}?ns={image.Registry}");

    /// <summary><c>/v2/REPOSITORY/manifests/REFERENCE?ns=REGISTRY</c> on <paramref name="node"/>'s registry endpoint.</summary>
    public static Uri ManifestUri(ContainerdPeerNode node, TestImage image, string reference) =>
        new(node.Process.RegistryAddress, $"/v2/{image.Repository}/manifests/{reference}?ns={image.Registry}");

    /// <summary>Everything B's spegel logged, for failure messages.</summary>
    public string OutputOfB => B.Process.Output;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        await Redis.DisposeAsync();
        Directory.Delete(HostsDirectory, recursive: true);
    }

    private ContainerdPeerNode Node(string name, string logLevel, params string[] extra) => new(name,
    [
        "--clustering", "redis", "--redis", Redis.ConnectionString, "--cluster-id", _clusterId,
        "--advertise-address", "127.0.0.1", "--log-level", logLevel, .. extra,
    ]);
}

/// <summary>The classes that share one <see cref="ContainerdPeerCluster"/>, run one after another.</summary>
[CollectionDefinition(ContainerdPeerCluster.Collection)]
public sealed class ContainerdPeerCollection : ICollectionFixture<ContainerdPeerCluster>;
