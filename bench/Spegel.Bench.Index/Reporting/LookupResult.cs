using Spegel.Bench.Index.Measurement;
using Spegel.Bench.Index.Simulation;

namespace Spegel.Bench.Index.Reporting;

/// <summary>Lookups (<c>IDigestGrain.ListAsync</c>) measured under one background load.</summary>
/// <param name="Name">The background load, for example "idle".</param>
/// <param name="Elapsed">How long the lookups ran.</param>
/// <param name="All">Latency of every lookup.</param>
/// <param name="ByHolders">Latency by how many holders the answer listed: the answer's size.</param>
/// <param name="Empty">Lookups that listed no holder although some node advertised the digest.</param>
/// <param name="Errors">Lookups that failed.</param>
/// <param name="Background">Grain calls of the background load while the lookups ran, or null without one.</param>
/// <param name="Usage">What the process used while the lookups and the background ran.</param>
/// <param name="Load">The load average at the end.</param>
internal sealed record LookupResult(
    string Name,
    TimeSpan Elapsed,
    LatencyHistogram All,
    IReadOnlyList<(string Holders, LatencyHistogram Latency)> ByHolders,
    long Empty,
    long Errors,
    CallCounters? Background,
    ResourceUsage Usage,
    string Load)
{
    public double LookupsPerSecond => All.Count / Elapsed.TotalSeconds;

    public double BackgroundDigestCallsPerSecond => Background is null ? 0 : Background.DigestCalls / Elapsed.TotalSeconds;
}
