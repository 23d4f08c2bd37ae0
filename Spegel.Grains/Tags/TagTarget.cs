namespace Spegel.Grains.Tags;

/// <summary>What a tag names on one node: the manifest or index it points at.</summary>
/// <param name="Digest">The digest of the manifest or index, for example <c>sha256:&lt;hex&gt;</c>.</param>
/// <param name="MediaType">The media type of that manifest or index.</param>
/// <param name="Size">Its size in bytes.</param>
[GenerateSerializer]
[Immutable]
[Alias("spegel.tag-target")]
public sealed record TagTarget(
    [property: Id(0)] string Digest,
    [property: Id(1)] string MediaType,
    [property: Id(2)] long Size);
