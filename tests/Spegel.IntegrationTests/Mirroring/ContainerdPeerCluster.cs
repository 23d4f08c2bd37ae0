using System.Net.Http.Json;
using System.Text.Json;
using Spegel.IntegrationTests.Cluster;
using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Processes;
using Spegel.TestSupport.Redis;

namespace Spegel.IntegrationTests.Mirroring;

/// <summary>
/// Two nodes as they run in production, on loopback: each a private containerd and a <c>spegel run --store
/// containerd --clustering redis</c> beside it, sharing one Redis. Images live under the registry name
/// <see cref="Registry"/>, a closed loopback port, so that a pull can only succeed through the mirror.
/// </summary>
public sealed class ContainerdPeerCluster : IAsyncLifetime
{
    /// <summary>An upstream that refuses every connection.</summary>
    public const string Registry = "127.0.0.1:1";

    public const string Namespace = "k8s.io";

    private readonly string _clusterId = $"peer-{Guid.NewGuid():N}";

    public RedisServer Redis { get; } = new();

    public ContainerdDaemon DaemonA { get; } = new();

    public ContainerdDaemon DaemonB { get; } = new();

    public SpegelNodeProcess NodeA { get; private set; } = null!;

    public SpegelNodeProcess NodeB { get; private set; } = null!;

    /// <summary>B's <c>certs.d</c>, written by <c>spegel configure</c> with B's endpoint as the only mirror.</summary>
    public string HostsDirectory { get; } = Directory.CreateTempSubdirectory("spegel-certs-").FullName;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(Redis.InitializeAsync().AsTask(), DaemonA.InitializeAsync().AsTask(), DaemonB.InitializeAsync().AsTask());
        var nodes = await Task.WhenAll(StartNodeAsync(DaemonA, "node-a"), StartNodeAsync(DaemonB, "node-b"));
        (NodeA, NodeB) = (nodes[0], nodes[1]);
        var configure = await ProcessRunner.RunAsync("dotnet", [RepositoryPaths.SpegelDll, "configure", "--config-path", HostsDirectory,
            "--mirror-targets", NodeB.RegistryAddress.ToString().TrimEnd('/'), "--mirrored-registries", Registry]);
        configure.EnsureSuccess();
    }

    /// <summary>Imports <paramref name="image"/> into node A's containerd (host platform only unless <paramref name="allPlatforms"/>).</summary>
    public async Task ImportIntoAAsync(TestImage image, bool allPlatforms = false)
    {
        var archive = Path.Combine(DaemonA.Folder, $"{Guid.NewGuid():N}.tar");
        OciArchiveWriter.Write(archive, image);
        string[] platforms = allPlatforms ? ["--all-platforms"] : [];
        await DaemonA.CtrAsync(Namespace, ["images", "import", "--no-unpack", .. platforms, archive]);
        File.Delete(archive);
        if (!allPlatforms)
        {
            await DaemonA.CollectGarbageAsync(Namespace);
        }
    }

    /// <summary>Waits (bounded) until node B's view of the cluster resolves <paramref name="image"/>'s tag.</summary>
    public Task WaitUntilAdvertisedAsync(TestImage image) => RedisClusterNodes.WaitForAsync(async () =>
    {
        using var response = await Http.GetAsync(new Uri(NodeB.OpsAddress, $"/debug/tags/{image.Name}"));
        return response.IsSuccessStatusCode
            && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("target").GetProperty("digest").GetString() == image.Target.Digest;
    }, TimeSpan.FromSeconds(30), $"{image.Name} to be advertised");

    /// <summary>Pulls <paramref name="reference"/> on node B's containerd through its hosts.toml.</summary>
    public Task<ProcessResult> PullOnBAsync(string reference, TimeSpan timeout) =>
        ProcessRunner.RunAsync("ctr", ["-a", DaemonB.SocketPath, "-n", Namespace, "images", "pull", "--hosts-dir", HostsDirectory, reference], timeout);

    /// <summary>The digests in node B's content store.</summary>
    public async Task<IReadOnlySet<string>> ContentOnBAsync()
    {
        var listing = await DaemonB.CtrAsync(Namespace, "content", "ls", "-q");
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
    }

    private Task<SpegelNodeProcess> StartNodeAsync(ContainerdDaemon daemon, string name) => SpegelNodeProcess.StartAsync(
    [
        "--store", "containerd", "--containerd-socket", daemon.SocketPath, "--containerd-namespace", Namespace,
        "--containerd-content-path", daemon.ContentPath, "--clustering", "redis", "--redis", Redis.ConnectionString,
        "--cluster-id", _clusterId, "--node-name", name, "--advertise-address", "127.0.0.1", "--log-level", "debug",
    ]);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in new[] { NodeA, NodeB })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        await DaemonA.DisposeAsync();
        await DaemonB.DisposeAsync();
        await Redis.DisposeAsync();
        Directory.Delete(HostsDirectory, recursive: true);
    }
}
