using System.Text.Json;
using Spegel.Registry.Distribution;

namespace Spegel.Registry.Content;

/// <summary>Reads the descriptors an index or manifest points at.</summary>
public static class ManifestReader
{
    /// <summary>One referenced descriptor, with the platform it is for when the referrer is an index.</summary>
    /// <param name="Descriptor">The child.</param>
    /// <param name="Platform">The child's platform as <c>os/architecture[/variant]</c>, when listed.</param>
    /// <param name="Annotations">The descriptor's annotations (empty when none).</param>
    public sealed record Child(
        ContentDescriptor Descriptor, string? Platform, IReadOnlyDictionary<string, string> Annotations);

    /// <summary>
    /// The children of an index (its manifests) or of a manifest (its config, then its layers). Descriptors with a
    /// digest this mirror cannot verify are skipped. Throws <see cref="JsonException"/> for malformed JSON.
    /// </summary>
    public static IReadOnlyList<Child> ReadChildren(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var children = new List<Child>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return children;
        }

        if (root.TryGetProperty("manifests", out var manifests) && manifests.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in manifests.EnumerateArray())
            {
                AddIfValid(children, element);
            }

            return children;
        }

        if (root.TryGetProperty("config", out var config))
        {
            AddIfValid(children, config);
        }

        if (root.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in layers.EnumerateArray())
            {
                AddIfValid(children, element);
            }
        }

        return children;
    }

    private static void AddIfValid(List<Child> children, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("digest", out var digestElement)
            || !Digest.TryParse(digestElement.ValueKind == JsonValueKind.String ? digestElement.GetString() : null,
                out var digest)
            || !element.TryGetProperty("size", out var sizeElement)
            || !sizeElement.TryGetInt64(out var size)
            || size < 0)
        {
            return;
        }

        var mediaType = element.TryGetProperty("mediaType", out var mediaTypeElement)
            && mediaTypeElement.ValueKind == JsonValueKind.String
            ? mediaTypeElement.GetString()
            : null;
        children.Add(new Child(
            new ContentDescriptor(digest, size, mediaType), ReadPlatform(element), ReadAnnotations(element)));
    }

    private static string? ReadPlatform(JsonElement element)
    {
        if (!element.TryGetProperty("platform", out var platform) || platform.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var os = platform.TryGetProperty("os", out var osElement) ? osElement.GetString() : null;
        var architecture = platform.TryGetProperty("architecture", out var archElement)
            ? archElement.GetString()
            : null;
        var variant = platform.TryGetProperty("variant", out var variantElement) ? variantElement.GetString() : null;
        if (os is null || architecture is null)
        {
            return null;
        }

        return variant is null ? $"{os}/{architecture}" : $"{os}/{architecture}/{variant}";
    }

    private static IReadOnlyDictionary<string, string> ReadAnnotations(JsonElement element)
    {
        if (!element.TryGetProperty("annotations", out var annotations)
            || annotations.ValueKind != JsonValueKind.Object)
        {
            return EmptyAnnotations;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in annotations.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                result[property.Name] = property.Value.GetString()!;
            }
        }

        return result;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyAnnotations = new Dictionary<string, string>();
}
