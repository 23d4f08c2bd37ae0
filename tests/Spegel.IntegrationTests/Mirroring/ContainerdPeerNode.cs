using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Processes;

namespace Spegel.IntegrationTests.Mirroring;

/// <summary>
/// One node of <see cref="ContainerdPeerCluster"/>: a private containerd and, beside it, a <c>spegel run --store
/// containerd --clustering redis</c> process that can be killed, frozen and started again on the same ports.
/// </summary>
public sealed class ContainerdPeerNode : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _arguments;
    private SpegelNodeProcess? _process;

    internal ContainerdPeerNode(string name, IReadOnlyList<string> arguments)
    {
        Name = name;
        _arguments = arguments;
    }

    /// <summary>The node's name in the cluster, as <c>/debug/holders</c> lists it.</summary>
    public string Name { get; }

    public ContainerdDaemon Daemon { get; } = new();

    /// <summary>The running spegel process (the latest one after a restart).</summary>
    public SpegelNodeProcess Process => _process ?? throw new InvalidOperationException($"{Name} has not been started.");

    /// <summary>Runs <c>ctr</c> against this node's containerd in <see cref="ContainerdPeerCluster.Namespace"/>; throws when it fails.</summary>
    public Task<string> CtrAsync(params string[] arguments) => Daemon.CtrAsync(ContainerdPeerCluster.Namespace, arguments);

    /// <summary>The file containerd keeps <paramref name="blob"/> in.</summary>
    public string BlobPath(TestBlob blob) => Path.Combine(Daemon.ContentPath, "blobs", "sha256", blob.Hex);

    /// <summary>Imports <paramref name="image"/> (host platform only unless <paramref name="allPlatforms"/>), without unpacking.</summary>
    public Task ImportAsync(TestImage image, bool allPlatforms = false) => ImportAsync(image, [this], allPlatforms);

    /// <summary>Imports <paramref name="image"/> into each of <paramref name="nodes"/>, from one archive written once.</summary>
    public static async Task ImportAsync(TestImage image, IReadOnlyList<ContainerdPeerNode> nodes, bool allPlatforms = false)
    {
        var archive = Path.Combine(Path.GetTempPath(), $"spegel-image-{Guid.NewGuid():N}.tar");
        OciArchiveWriter.Write(archive, image);
        try
        {
            await Task.WhenAll(nodes.Select(node => node.ImportArchiveAsync(archive, allPlatforms)));
        }
        finally
        {
            File.Delete(archive);
        }
    }

    /// <summary>The digests of the committed blobs in this node's content store.</summary>
    public async Task<IReadOnlySet<string>> ContentAsync()
    {
        var listing = await CtrAsync("content", "ls", "-q");
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The names of the images in this node's containerd.</summary>
    public async Task<IReadOnlySet<string>> ImageNamesAsync()
    {
        var listing = await CtrAsync("images", "ls", "-q");
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Drops every lease (which a failed or killed pull leaves behind, keeping its partial blobs) and every blob of
    /// <paramref name="image"/>, so that the next pull fetches all of it again. Only for test daemons.
    /// </summary>
    public async Task ForgetAsync(TestImage image)
    {
        if ((await ImageNamesAsync()).Contains(image.Name))
        {
            await CtrAsync("images", "rm", "--sync", image.Name);
        }

        var leases = (await CtrAsync("leases", "ls", "-q")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (leases.Length > 0)
        {
            await CtrAsync(["leases", "rm", "--sync", .. leases]);
        }

        var present = await ContentAsync();
        var digests = image.Blobs.Select(blob => blob.Digest).Where(present.Contains).ToArray();
        if (digests.Length > 0)
        {
            await CtrAsync(["content", "rm", .. digests]);
        }
    }

    private async Task ImportArchiveAsync(string archive, bool allPlatforms)
    {
        string[] platforms = allPlatforms ? ["--all-platforms"] : [];
        await CtrAsync(["images", "import", "--no-unpack", .. platforms, archive]);
        if (!allPlatforms)
        {
            await Daemon.CollectGarbageAsync(ContainerdPeerCluster.Namespace);
        }
    }

    internal async Task StartAsync()
    {
        await Daemon.InitializeAsync();
        _process = await SpegelNodeProcess.StartAsync(Arguments());
    }

    /// <summary>Kills the spegel process at once (SIGKILL), as a crashed node stops; containerd keeps running.</summary>
    public Task KillAsync() => Process.KillAsync();

    /// <summary>
    /// Starts spegel again after <see cref="KillAsync"/>, on the same registry, operations, silo and gateway ports, so
    /// that the cluster sees a new incarnation of the same silo and declares the old one dead at once.
    /// </summary>
    public async Task RestartAsync()
    {
        var previous = Process;
        await previous.KillAsync();
        _process = await SpegelNodeProcess.StartAsync(Arguments(),
            registryPort: previous.RegistryPort, siloPort: previous.SiloPort, gatewayPort: previous.GatewayPort, opsPort: previous.OpsPort);
        await previous.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        await Daemon.DisposeAsync();
    }

    private IEnumerable<string> Arguments() =>
    [
        "--store", "containerd", "--containerd-socket", Daemon.SocketPath, "--containerd-namespace", ContainerdPeerCluster.Namespace,
        "--containerd-content-path", Daemon.ContentPath, "--node-name", Name, .. _arguments,
    ];
}
