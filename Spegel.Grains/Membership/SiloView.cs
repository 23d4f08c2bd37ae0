namespace Spegel.Grains.Membership;

/// <summary>One silo as cluster membership sees it.</summary>
/// <param name="Silo">The silo's address.</param>
/// <param name="Name">The silo's name (the pod or host name).</param>
/// <param name="Status">Its membership status.</param>
[GenerateSerializer]
[Immutable]
[Alias("spegel.silo-view")]
public sealed record SiloView(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] string Name,
    [property: Id(2)] SiloStatus Status);
