namespace Spegel.Grains.Holders;

/// <summary>
/// One node that can serve content: who it is, where its registry endpoint answers, and the silo it runs in.
/// </summary>
/// <param name="Node">
/// The node's name (the Kubernetes node name); unique in the cluster and the key for withdrawals.
/// </param>
/// <param name="Endpoint">
/// How peers reach the node's registry endpoint, for example <c>http://10.0.0.5:5000</c>.
/// </param>
/// <param name="Silo">
/// The silo the node's process runs in. Membership decides liveness: a holder is only returned while this silo is
/// <see cref="SiloStatus.Active"/>.
/// </param>
[GenerateSerializer]
[Immutable]
[Alias("spegel.holder")]
public sealed record Holder(
    [property: Id(0)] string Node,
    [property: Id(1)] string Endpoint,
    [property: Id(2)] SiloAddress Silo);
