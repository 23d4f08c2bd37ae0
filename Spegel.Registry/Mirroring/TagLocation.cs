using Spegel.Registry.Content;

namespace Spegel.Registry.Mirroring;

/// <summary>What a tag names in the cluster, and which other nodes hold that target.</summary>
/// <param name="Target">The descriptor the tag points at (digest, size, media type).</param>
/// <param name="Holders">Nodes other than this one that hold the target.</param>
public sealed record TagLocation(ContentDescriptor Target, IReadOnlyList<PeerHolder> Holders);
