namespace Spegel.Grains.Nodes;

/// <summary>What one node last said about itself, for status views.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="Endpoint">Its registry endpoint.</param>
/// <param name="Silo">The silo it runs in.</param>
/// <param name="Digests">How many digests it advertises.</param>
/// <param name="Tags">How many tags it advertises.</param>
/// <param name="ReportedAt">When it said so.</param>
[GenerateSerializer]
[Immutable]
[Alias("spegel.node-report")]
public sealed record NodeReport(
    [property: Id(0)] string Node,
    [property: Id(1)] string Endpoint,
    [property: Id(2)] SiloAddress Silo,
    [property: Id(3)] int Digests,
    [property: Id(4)] int Tags,
    [property: Id(5)] DateTimeOffset ReportedAt);
