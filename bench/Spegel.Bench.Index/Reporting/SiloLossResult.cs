using Spegel.Bench.Index.Measurement;
using Spegel.Bench.Index.Simulation;

namespace Spegel.Bench.Index.Reporting;

/// <summary>One silo lost, and every surviving agent advertising its inventory again.</summary>
/// <param name="Kind">How the silo was lost.</param>
/// <param name="LostNodes">Agents whose node ran in the lost silo; they do not come back.</param>
/// <param name="SurvivingNodes">Agents that advertise again.</param>
/// <param name="Detection">From the loss until every surviving silo saw the lost one as dead.</param>
/// <param name="Readvertise">From then until the last surviving agent finished, its random start delay included.</param>
/// <param name="Calls">The re-advertisement's grain calls.</param>
/// <param name="Usage">What the process used during the re-advertisement.</param>
/// <param name="Sampled">Advertised digests whose holders were checked before and after.</param>
/// <param name="IncompleteBefore">Sampled digests listing fewer holders than survive, before the re-advertisement.</param>
/// <param name="CompleteAfter">Sampled digests listing exactly the surviving holders afterwards.</param>
/// <param name="Load">The load average at the end.</param>
internal sealed record SiloLossResult(
    SiloLossKind Kind,
    int LostNodes,
    int SurvivingNodes,
    TimeSpan Detection,
    TimeSpan Readvertise,
    CallCounters Calls,
    ResourceUsage Usage,
    int Sampled,
    int IncompleteBefore,
    int CompleteAfter,
    string Load)
{
    public double DigestCallsPerSecond => Calls.DigestCalls / Readvertise.TotalSeconds;
}
