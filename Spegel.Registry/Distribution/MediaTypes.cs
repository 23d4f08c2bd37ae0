using System.Text.Json;

namespace Spegel.Registry.Distribution;

/// <summary>The media types this mirror needs to recognise, and detection of a manifest's own type.</summary>
public static class MediaTypes
{
    /// <summary>OCI image index.</summary>
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>OCI image manifest.</summary>
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>OCI image config.</summary>
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";

    /// <summary>Docker manifest list (schema 2).</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>Docker image manifest (schema 2).</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>Docker image config.</summary>
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";

    /// <summary>What a blob is served as.</summary>
    public const string OctetStream = "application/octet-stream";

    /// <summary>The largest manifest this mirror reads into memory (the limit common registries apply).</summary>
    public const int MaxManifestSize = 4 * 1024 * 1024;

    /// <summary>Whether the media type is that of an index or manifest list.</summary>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>Whether the media type is that of an index, manifest list or image manifest.</summary>
    public static bool IsManifest(string? mediaType) =>
        mediaType is OciIndex or DockerManifestList or OciManifest or DockerManifest;

    /// <summary>
    /// Detects the media type of a manifest whose referencing descriptor is unknown: its own <c>mediaType</c> field,
    /// else its shape (an index has <c>manifests</c>, a manifest has <c>config</c> and <c>layers</c>). Returns false
    /// for anything that is not a JSON manifest, e.g. a layer.
    /// </summary>
    public static bool TryDetectManifestMediaType(ReadOnlySpan<byte> content, out string mediaType)
    {
        mediaType = "";
        if (content.IsEmpty || content[0] != (byte)'{')
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(content);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.TryGetProperty("mediaType", out var declared) && declared.ValueKind == JsonValueKind.String
                && IsManifest(declared.GetString()))
            {
                mediaType = declared.GetString()!;
                return true;
            }

            if (root.TryGetProperty("manifests", out var manifests) && manifests.ValueKind == JsonValueKind.Array)
            {
                mediaType = OciIndex;
                return true;
            }

            if (root.TryGetProperty("config", out var config) && root.TryGetProperty("layers", out _))
            {
                var isDocker = config.ValueKind == JsonValueKind.Object
                    && config.TryGetProperty("mediaType", out var configType)
                    && configType.ValueKind == JsonValueKind.String
                    && configType.GetString() == DockerConfig;
                mediaType = isDocker ? DockerManifest : OciManifest;
                return true;
            }

            return false;
        }
        catch (JsonException)
        {
            // Not JSON: the content is a blob, not a manifest.
            return false;
        }
    }
}
