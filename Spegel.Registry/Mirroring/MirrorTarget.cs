using Spegel.Registry.Distribution;

namespace Spegel.Registry.Mirroring;

/// <summary>What the cluster index said about a request: the digest to fetch and who holds it.</summary>
/// <param name="Digest">The digest asked for, or the one a tag resolved to.</param>
/// <param name="Size">The size, when a tag resolution told it; holders must then agree with it.</param>
/// <param name="MediaType">The media type, when a tag resolution told it.</param>
/// <param name="Holders">Other nodes that hold the content; never empty.</param>
internal sealed record MirrorTarget(Digest Digest, long? Size, string? MediaType, IReadOnlyList<PeerHolder> Holders);
