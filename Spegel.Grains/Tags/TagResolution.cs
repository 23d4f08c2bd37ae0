using System.Collections.Immutable;
using Spegel.Grains.Holders;

namespace Spegel.Grains.Tags;

/// <summary>What a tag names in the cluster, and which live nodes say so.</summary>
/// <param name="Target">The most recently advertised target of the tag.</param>
/// <param name="AdvertisedAt">When that target was last advertised.</param>
/// <param name="Holders">The live nodes that name this same target for the tag, ordered by node name.</param>
[GenerateSerializer]
[Immutable]
[Alias("spegel.tag-resolution")]
public sealed record TagResolution(
    [property: Id(0)] TagTarget Target,
    [property: Id(1)] DateTimeOffset AdvertisedAt,
    [property: Id(2)] ImmutableArray<Holder> Holders);
