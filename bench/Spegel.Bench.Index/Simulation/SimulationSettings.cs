namespace Spegel.Bench.Index.Simulation;

/// <summary>What one run of the index simulation does; every field has a command-line option.</summary>
internal sealed record SimulationSettings
{
    /// <summary>Silos in the in-process cluster.</summary>
    public required int Silos { get; init; }

    /// <summary>Simulated nodes, each one agent with its own holder.</summary>
    public required int Nodes { get; init; }

    /// <summary>Distinct digests each node holds.</summary>
    public required int DigestsPerNode { get; init; }

    /// <summary>Digests the inventories are drawn from.</summary>
    public required int Pool { get; init; }

    /// <summary>Exponent of the Zipf popularity of the pool's digests; 0 is uniform.</summary>
    public required double ZipfExponent { get; init; }

    /// <summary>Seed of every random choice, so that two runs with the same settings advertise the same records.</summary>
    public required int Seed { get; init; }

    /// <summary>Digests per batch call, as the real agent sends them.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Agents advertising at the same time.</summary>
    public required int AgentConcurrency { get; init; }

    /// <summary>Fresh digest grains activated without records to measure what an activation costs; 0 skips it.</summary>
    public required int ActivationProbe { get; init; }

    /// <summary>How long lookups run with no other load.</summary>
    public required TimeSpan IdleLookupDuration { get; init; }

    /// <summary>How long lookups run under each background load.</summary>
    public required TimeSpan LookupDuration { get; init; }

    /// <summary>Concurrent lookup loops; each sends one lookup at a time.</summary>
    public required int LookupConcurrency { get; init; }

    /// <summary>The agents' resync interval; the paced background load re-advertises every inventory once per interval.</summary>
    public required TimeSpan ResyncInterval { get; init; }

    /// <summary>How the silo is lost: killed without warning, or stopped gracefully.</summary>
    public required SiloLossKind SiloLoss { get; init; }

    /// <summary>Largest random delay before an agent re-advertises after a silo loss (the real agent's is 2 s).</summary>
    public required TimeSpan SiloLossJitter { get; init; }

    /// <summary>Longest any one phase may take before the run gives up.</summary>
    public required TimeSpan PhaseTimeout { get; init; }

    /// <summary>Records in the whole simulation: one per (node, digest).</summary>
    public long Records => (long)Nodes * DigestsPerNode;
}
