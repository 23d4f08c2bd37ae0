namespace Spegel.Registry.Containerd;

/// <summary>Where and how the containerd-backed content store reaches containerd.</summary>
public sealed record ContainerdStoreOptions
{
    /// <summary>containerd's gRPC Unix socket. Default <c>/run/containerd/containerd.sock</c>.</summary>
    public string SocketPath { get; set; } = "/run/containerd/containerd.sock";

    /// <summary>
    /// The containerd namespace whose images are served and advertised. Default <c>k8s.io</c>, the CRI's.
    /// </summary>
    public string Namespace { get; set; } = "k8s.io";

    /// <summary>
    /// containerd's content directory, holding <c>blobs/&lt;algorithm&gt;/&lt;hex&gt;</c>. When it is readable, blobs
    /// are served straight from its files; otherwise through containerd's <c>Read</c> stream. Default
    /// <c>/var/lib/containerd/io.containerd.content.v1.content</c>.
    /// </summary>
    public string ContentPath { get; set; } = "/var/lib/containerd/io.containerd.content.v1.content";

    /// <summary>
    /// The deadline of each unary call and of the first message of a stream. Short by default (2 s) because a miss
    /// must turn into a fast 404: containerd waits on a slow mirror without falling back.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long calls are answered as "absent" without trying after containerd was found unreachable. Default 1 s.
    /// </summary>
    public TimeSpan RetryUnreachableAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first delay before the change feed resubscribes after losing containerd. Default 100 ms.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay between resubscription attempts of the change feed. Default 5 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);
}
