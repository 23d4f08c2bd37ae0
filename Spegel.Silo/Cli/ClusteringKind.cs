namespace Spegel.Silo.Cli;

/// <summary>How silos find each other.</summary>
internal enum ClusteringKind
{
    /// <summary>A single node on this machine; nothing external is needed.</summary>
    Localhost,

    /// <summary>Orleans' Redis membership table, for a real multi-node cluster.</summary>
    Redis,
}
