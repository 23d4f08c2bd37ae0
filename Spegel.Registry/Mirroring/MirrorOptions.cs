namespace Spegel.Registry.Mirroring;

/// <summary>Budgets and filters of the peer mirror.</summary>
public sealed class MirrorOptions
{
    /// <summary>Whether tags are resolved through the cluster (else only digests are mirrored).</summary>
    public bool ResolveTags { get; set; } = true;

    /// <summary>
    /// How long to wait for a holder to start answering (connect and response headers) before trying the next.
    /// </summary>
    public TimeSpan PeerTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many holders to try for one request, counting each holder a blob body resumes from (at least 1).
    /// </summary>
    public int MaxHoldersTried { get; set; } = 3;

    /// <summary>
    /// The overall bound for a manifest or HEAD request, lookups included; it also bounds the cluster lookup of a blob,
    /// whose body is then bounded by <see cref="StallTimeout"/> only.
    /// </summary>
    public TimeSpan ManifestBudget { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a body may stall (no bytes from the holder) before the holder counts as failed.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a holder that failed (refused, timed out, 5xx, broken or wrong body; not a 404) is tried only after
    /// every other holder, by other requests too.
    /// </summary>
    public TimeSpan FailedHolderBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The registries (<c>?ns=</c> values) looked up in the cluster; empty means all.</summary>
    public IReadOnlyList<string> MirroredRegistries { get; set; } = [];

    /// <summary>
    /// Regular expressions matched against <c>registry/repository:tag</c> (or <c>registry/repository@digest</c>); a
    /// match excludes the request from mirroring, e.g. <c>:latest$</c>.
    /// </summary>
    public IReadOnlyList<string> RegistryFilters { get; set; } = [];
}
