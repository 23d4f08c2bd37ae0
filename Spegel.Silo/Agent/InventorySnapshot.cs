using Spegel.Grains.Tags;
using Spegel.Registry.Content;

namespace Spegel.Silo.Agent;

/// <summary>What the node holds, in the form the grains take: digest strings and tag targets.</summary>
/// <param name="Digests">Every digest present under some image.</param>
/// <param name="Tags">Every tagged image name and what it points at.</param>
internal sealed record InventorySnapshot(IReadOnlySet<string> Digests, IReadOnlyDictionary<string, TagTarget> Tags)
{
    public static InventorySnapshot Empty { get; } = new(new HashSet<string>(), new Dictionary<string, TagTarget>());

    public static async Task<InventorySnapshot> ReadAsync(IContentStore store, CancellationToken cancellationToken)
    {
        var digests = new HashSet<string>(StringComparer.Ordinal);
        var tags = new Dictionary<string, TagTarget>(StringComparer.Ordinal);
        await foreach (var image in store.ListImagesAsync(cancellationToken))
        {
            foreach (var content in image.Contents)
            {
                digests.Add(content.Digest.Value);
            }

            if (image.Name is not null)
            {
                tags[image.Name.ToString()] = ToTarget(image.Target);
            }
        }

        return new InventorySnapshot(digests, tags);
    }

    public static TagTarget ToTarget(ContentDescriptor descriptor) =>
        new(descriptor.Digest.Value, descriptor.MediaType ?? "", descriptor.Size);
}
