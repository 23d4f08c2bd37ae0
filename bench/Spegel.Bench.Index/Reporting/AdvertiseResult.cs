using Spegel.Bench.Index.Measurement;
using Spegel.Bench.Index.Simulation;

namespace Spegel.Bench.Index.Reporting;

/// <summary>Every agent advertising its whole inventory into an empty index.</summary>
internal sealed record AdvertiseResult(TimeSpan Elapsed, CallCounters Calls, ResourceUsage Usage, HeapSnapshot Before, HeapSnapshot After, string Load)
{
    public double DigestCallsPerSecond => Calls.DigestCalls / Elapsed.TotalSeconds;

    public double BatchCallsPerSecond => Calls.BatchCalls / Elapsed.TotalSeconds;
}
