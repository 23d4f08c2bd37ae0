namespace Spegel.Bench.Index.Simulation;

/// <summary>How the simulation takes a silo away.</summary>
internal enum SiloLossKind
{
    /// <summary>The silo stops at once; membership declares it dead after failed probes.</summary>
    Kill,

    /// <summary>The silo shuts down gracefully and announces it; its activations are deactivated first.</summary>
    Stop,
}
