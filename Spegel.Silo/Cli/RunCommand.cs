using System.CommandLine;
using System.Net;
using Spegel.Registry.Distribution;
using Spegel.Silo.Hosting;

namespace Spegel.Silo.Cli;

/// <summary>
/// <c>spegel run</c>: the options of a node and their binding into <see cref="NodeSettings"/>. The option names are
/// a contract with deployments and documentation; renaming one is a breaking change.
/// </summary>
internal sealed class RunCommand
{
    public Option<IPEndPoint> RegistryAddress { get; } = EndPoint("--registry-address",
        "Where the registry endpoint that containerd's hosts.toml points at listens", "0.0.0.0:5000");

    public Option<IPEndPoint> OpsAddress { get; } = EndPoint("--ops-address",
        "Where /metrics, /healthz, /readyz, /dashboard and /debug listen", "0.0.0.0:9090");

    public Option<StoreSelection> Store { get; } = OptionFactory.Create("--store",
        "The content this node serves: its containerd, or an OCI image layout folder",
        new StoreSelection(StoreKind.Containerd, null), StoreSelection.TryParse, StoreSelection.AcceptedForms);

    public Option<string> DefaultRegistry { get; } = OptionFactory.Text("--default-registry",
        "The registry that a request without ?ns= refers to", "docker.io",
        host => DistributionGrammar.IsValidRegistryHost(host), "a registry host such as docker.io or 127.0.0.1:5000");

    public Option<string> NodeName { get; } = OptionFactory.Text("--node-name",
        "This node's name in the cluster", Dns.GetHostName(),
        name => name.Length is > 0 and <= 253 && !name.Any(char.IsWhiteSpace),
        "a name without spaces, at most 253 characters");

    public Option<string> ContainerdSocket { get; } = OptionFactory.Text("--containerd-socket",
        "containerd's gRPC socket", "/run/containerd/containerd.sock", Path.IsPathRooted, "an absolute path");

    public Option<string> ContainerdNamespace { get; } = OptionFactory.Text("--containerd-namespace",
        "The containerd namespace whose images are served and advertised", "k8s.io",
        ns => ns.Length is > 0 and <= 76 && ns.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'),
        "a containerd namespace such as k8s.io");

    public Option<string> ContainerdContentPath { get; } = OptionFactory.Text("--containerd-content-path",
        "containerd's content folder; blobs are sent from its files when it is readable",
        "/var/lib/containerd/io.containerd.content.v1.content", Path.IsPathRooted, "an absolute path");

    public Option<ClusteringKind> Clustering { get; } = OptionFactory.Create("--clustering",
        "How silos find each other: localhost (one node, nothing external) or redis", ClusteringKind.Localhost,
        (string text, out ClusteringKind kind) =>
            Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind), "localhost or redis");

    public Option<string?> Redis { get; } = OptionFactory.OptionalText("--redis",
        "The Redis connection string for --clustering redis, e.g. redis:6379");

    public Option<string> ClusterId { get; } = OptionFactory.Text("--cluster-id",
        "The Orleans cluster id; silos with the same id form one cluster", "spegel", IsIdentifier,
        "letters, digits, '.', '-' or '_'");

    public Option<string> ServiceId { get; } = OptionFactory.Text("--service-id",
        "The Orleans service id", "spegel", IsIdentifier, "letters, digits, '.', '-' or '_'");

    public Option<string?> AdvertiseAddress { get; } = OptionFactory.OptionalText("--advertise-address",
        "The IP address peers use for this node's silo and registry endpoint "
            + "(default: 127.0.0.1 with localhost clustering, else this host's first non-loopback IPv4 address)");

    public Option<int> SiloPort { get; } = Port("--silo-port", "The Orleans silo-to-silo port", 11111);

    public Option<int> GatewayPort { get; } = Port(
        "--gateway-port", "The Orleans gateway port (for spegel status)", 30000);

    public Option<TimeSpan> HolderTtl { get; } = OptionFactory.Duration("--holder-ttl",
        "How long an advertisement lives without being refreshed", TimeSpan.FromMinutes(15));

    public Option<TimeSpan> ResyncInterval { get; } = OptionFactory.Duration("--resync-interval",
        "How often the whole inventory is advertised again (jittered by up to 10 %)", TimeSpan.FromMinutes(5));

    public Option<bool> ResolveTags { get; } = OptionFactory.Boolean("--resolve-tags",
        "Whether tags are resolved through the cluster (else only digests are mirrored)", true);

    public Option<IReadOnlyList<string>> MirroredRegistries { get; } = OptionFactory.List("--mirrored-registries",
        "The registries (?ns= values) looked up in the cluster; none means all",
        host => DistributionGrammar.IsValidRegistryHost(host), "registry hosts such as docker.io or ghcr.io");

    public Option<IReadOnlyList<string>> RegistryFilters { get; } = OptionFactory.List("--registry-filters",
        "Regular expressions against registry/repository:tag (or @digest); "
            + "a match is never looked up in the cluster, e.g. :latest$",
        IsRegex, "valid .NET regular expressions");

    public Option<TimeSpan> PeerTimeout { get; } = OptionFactory.Duration("--peer-timeout",
        "How long to wait for a holder to start answering before trying the next", TimeSpan.FromSeconds(2));

    public Option<int> MirrorResolveRetries { get; } = OptionFactory.PositiveInteger("--mirror-resolve-retries",
        "How many holders to try for one request", 3);

    public Option<TimeSpan> MirrorBudget { get; } = OptionFactory.Duration("--mirror-budget",
        "The overall bound for a mirrored manifest or HEAD request, and for any lookup in the cluster",
        TimeSpan.FromSeconds(5));

    public Option<LogLevel> LogLevel { get; } = OptionFactory.Create("--log-level",
        "The lowest level logged", Microsoft.Extensions.Logging.LogLevel.Information,
        (string text, out LogLevel level) => Enum.TryParse(text, ignoreCase: true, out level) && Enum.IsDefined(level),
        "trace, debug, information, warning, error, critical or none");

    public Option<LogFormat> LogFormat { get; } = OptionFactory.Create("--log-format",
        "Console log format: text, or json for log collectors", Hosting.LogFormat.Text,
        (string text, out LogFormat format) =>
            Enum.TryParse(text, ignoreCase: true, out format) && Enum.IsDefined(format), "text or json");

    /// <summary>The command, with every option attached.</summary>
    public Command Build()
    {
        var command = new Command(
            "run", "Run a node: an Orleans silo with the registry endpoint and the operations endpoint.");
        foreach (var option in new Option[]
        {
            RegistryAddress, OpsAddress, Store, DefaultRegistry, NodeName, ContainerdSocket, ContainerdNamespace,
            ContainerdContentPath, Clustering, Redis, ClusterId, ServiceId, AdvertiseAddress, SiloPort, GatewayPort,
            HolderTtl, ResyncInterval, ResolveTags, MirroredRegistries, RegistryFilters, PeerTimeout,
            MirrorResolveRetries,
            MirrorBudget, LogLevel, LogFormat,
        })
        {
            command.Options.Add(option);
        }

        return command;
    }

    /// <summary>
    /// Checks what single options cannot check alone; returns a one-line error naming the option, or null. Runs only
    /// on a parse without errors.
    /// </summary>
    public string? Validate(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(Clustering) == ClusteringKind.Redis && string.IsNullOrWhiteSpace(result.GetValue(Redis)))
        {
            return "--redis: a connection string is required with --clustering redis, e.g. --redis 127.0.0.1:6379.";
        }

        var advertise = result.GetValue(AdvertiseAddress);
        if (advertise is not null && !IPAddress.TryParse(advertise, out _))
        {
            return $"--advertise-address: '{advertise}' is not valid; expected an IP address such as 10.0.0.5.";
        }

        return result.GetValue(RegistryAddress)!.Port == result.GetValue(OpsAddress)!.Port
            ? "--ops-address: must use another port than --registry-address."
            : null;
    }

    /// <summary>Reads the validated values.</summary>
    public NodeSettings Bind(ParseResult result) => new()
    {
        RegistryEndPoint = result.GetValue(RegistryAddress)!,
        OpsEndPoint = result.GetValue(OpsAddress)!,
        Store = result.GetValue(Store)!,
        DefaultRegistry = result.GetValue(DefaultRegistry)!,
        NodeName = result.GetValue(NodeName)!,
        ContainerdSocket = result.GetValue(ContainerdSocket)!,
        ContainerdNamespace = result.GetValue(ContainerdNamespace)!,
        ContainerdContentPath = result.GetValue(ContainerdContentPath)!,
        Clustering = result.GetValue(Clustering),
        Redis = result.GetValue(Redis),
        ClusterId = result.GetValue(ClusterId)!,
        ServiceId = result.GetValue(ServiceId)!,
        AdvertiseAddress = result.GetValue(AdvertiseAddress) is { } address ? IPAddress.Parse(address) : null,
        SiloPort = result.GetValue(SiloPort),
        GatewayPort = result.GetValue(GatewayPort),
        HolderTtl = result.GetValue(HolderTtl),
        ResyncInterval = result.GetValue(ResyncInterval),
        ResolveTags = result.GetValue(ResolveTags),
        MirroredRegistries = result.GetValue(MirroredRegistries)!,
        RegistryFilters = result.GetValue(RegistryFilters)!,
        PeerTimeout = result.GetValue(PeerTimeout),
        MirrorResolveRetries = result.GetValue(MirrorResolveRetries),
        MirrorBudget = result.GetValue(MirrorBudget),
        LogLevel = result.GetValue(LogLevel),
        LogFormat = result.GetValue(LogFormat),
    };

    private static Option<IPEndPoint> EndPoint(string name, string description, string defaultValue) =>
        OptionFactory.Create(name, description, IPEndPoint.Parse(defaultValue), ValueParsers.TryParseEndPoint,
            "HOST:PORT with an IP address, e.g. 0.0.0.0:5000, 127.0.0.1:5000, [::]:5000 or :5000");

    private static Option<int> Port(string name, string description, int defaultValue) =>
        OptionFactory.Create(name, description, defaultValue, (string text, out int port) =>
            int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536,
                "a port from 1 to 65535");

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(
                pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsIdentifier(string text) =>
        text.Length is > 0 and <= 128 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
