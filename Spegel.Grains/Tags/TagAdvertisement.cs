using Spegel.Grains.Holders;

namespace Spegel.Grains.Tags;

/// <summary>One node's claim about what a tag names.</summary>
/// <param name="Holder">The node that made the claim.</param>
/// <param name="Target">What the tag names on that node.</param>
/// <param name="AdvertisedAt">
/// When the node last advertised the tag. Resolution follows the most recent advertisement; refreshes keep this time.
/// </param>
/// <param name="RefreshedAt">
/// When the node last advertised or refreshed the tag. The claim expires <see cref="Hosting.IndexOptions.HolderTtl"/>
/// after it.
/// </param>
[GenerateSerializer]
[Immutable]
[Alias("spegel.tag-advertisement")]
public sealed record TagAdvertisement(
    [property: Id(0)] Holder Holder,
    [property: Id(1)] TagTarget Target,
    [property: Id(2)] DateTimeOffset AdvertisedAt,
    [property: Id(3)] DateTimeOffset RefreshedAt);
