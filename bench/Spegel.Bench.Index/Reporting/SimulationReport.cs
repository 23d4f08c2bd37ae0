using Spegel.Bench.Index.Simulation;

namespace Spegel.Bench.Index.Reporting;

/// <summary>Everything one run measured; a phase that did not run (the run failed before it) is null.</summary>
internal sealed record SimulationReport(
    SimulationSettings Settings,
    string Environment,
    string LoadAtStart,
    DistributionSummary Distribution,
    AdvertiseResult? Advertise,
    ActivationCost? Activation,
    IReadOnlyList<LookupResult> Lookups,
    SiloLossResult? SiloLoss,
    string? Failure)
{
    public bool Completed => Failure is null;
}
