using Spegel.Registry.Distribution;

namespace Spegel.Registry.Content;

/// <summary>One image in a node's inventory and every piece of content under it that is present locally.</summary>
/// <param name="Name">The image's tagged name, or <see langword="null"/> for an image known only by digest.</param>
/// <param name="Target">The descriptor the image name points at (an index or a manifest).</param>
/// <param name="Contents">
/// The target and every index, manifest, config and layer reachable from it that is present in the store, each
/// once. Children of absent platforms are not listed.
/// </param>
public sealed record ImageRecord(ImageName? Name, ContentDescriptor Target, IReadOnlyList<ContentDescriptor> Contents);
