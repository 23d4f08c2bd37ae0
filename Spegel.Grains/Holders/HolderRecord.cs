namespace Spegel.Grains.Holders;

/// <summary>A holder of one digest and when it last advertised that digest.</summary>
/// <param name="Holder">The node that holds the content.</param>
/// <param name="RefreshedAt">
/// When the holder last advertised the digest. The record expires <see cref="Hosting.IndexOptions.HolderTtl"/> after
/// it.
/// </param>
[GenerateSerializer]
[Immutable]
[Alias("spegel.holder-record")]
public sealed record HolderRecord(
    [property: Id(0)] Holder Holder,
    [property: Id(1)] DateTimeOffset RefreshedAt);
