using System.Text.Json;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;

namespace Spegel.Registry.Containerd;

/// <summary>Reads the descriptors an index or manifest points at.</summary>
internal static class ManifestReferences
{
    /// <summary>
    /// The children of a document: an index's manifests, or a manifest's config then layers, in document order.
    /// Descriptors with a malformed or unsupported digest are left out. Returns <see langword="false"/> when the
    /// bytes are not a JSON document of that shape.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> json,
        string? mediaType,
        out IReadOnlyList<ContentDescriptor> children)
    {
        children = [];
        ManifestDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, ManifestJsonContext.Default.ManifestDocument);
        }
        catch (JsonException)
        {
            return false;
        }

        if (document is null)
        {
            return false;
        }

        List<ManifestDescriptor?> references = OciMediaTypes.IsIndex(mediaType)
            ? [.. document.Manifests ?? []]
            : [document.Config, .. document.Layers ?? []];
        var found = new List<ContentDescriptor>();
        foreach (var reference in references)
        {
            if (ToContentDescriptor(reference) is { } child)
            {
                found.Add(child);
            }
        }

        children = found;
        return true;

        static ContentDescriptor? ToContentDescriptor(ManifestDescriptor? descriptor) =>
            descriptor is not null && Digest.TryParse(descriptor.Digest, out var digest) && descriptor.Size >= 0
                ? new ContentDescriptor(digest, descriptor.Size, descriptor.MediaType)
                : null;
    }
}
