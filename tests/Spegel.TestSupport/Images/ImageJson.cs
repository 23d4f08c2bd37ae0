using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Spegel.TestSupport.Images;

/// <summary>
/// Writes image configs, manifests and indexes as compact JSON with a fixed property order, so that the same
/// content always gives the same bytes and digest.
/// </summary>
internal static class ImageJson
{
    /// <summary>2000-01-01T00:00:00Z, the same fixed time as in the layer tar headers.</summary>
    private const string Created = "2000-01-01T00:00:00Z";

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = false,

        // Media types contain '+', which the default encoder would escape; escaping is legal but unusual.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>An image config with the platform and the layers' diff IDs in order.</summary>
    public static TestBlob Config(string mediaType, ImagePlatform platform, IReadOnlyList<string> diffIds) =>
        Blob(mediaType, writer =>
        {
            writer.WriteString("created", Created);
            WritePlatformFields(writer, platform);
            writer.WriteStartObject("config");
            writer.WriteEndObject();
            writer.WriteStartObject("rootfs");
            writer.WriteString("type", "layers");
            writer.WriteStartArray("diff_ids");
            foreach (var diffId in diffIds)
            {
                writer.WriteStringValue(diffId);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });

    /// <summary>An image manifest (OCI or Docker schema 2, by <paramref name="mediaType"/>).</summary>
    public static TestBlob Manifest(string mediaType, TestBlob config, IReadOnlyList<TestBlob> layers) =>
        Blob(mediaType, writer =>
        {
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", mediaType);
            writer.WritePropertyName("config");
            WriteDescriptor(writer, config, platform: null);
            writer.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                WriteDescriptor(writer, layer, platform: null);
            }

            writer.WriteEndArray();
        });

    /// <summary>An OCI image index over one manifest per platform.</summary>
    public static TestBlob Index(IReadOnlyList<(TestBlob Manifest, ImagePlatform Platform)> manifests) =>
        Blob(TestMediaTypes.OciIndex, writer =>
        {
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", TestMediaTypes.OciIndex);
            writer.WriteStartArray("manifests");
            foreach (var (manifest, platform) in manifests)
            {
                WriteDescriptor(writer, manifest, platform);
            }

            writer.WriteEndArray();
        });

    /// <summary>The <c>index.json</c> of an image layout: one descriptor per image, annotated with its names.</summary>
    public static byte[] LayoutIndex(IReadOnlyList<TestImage> images) =>
        Write(writer =>
        {
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", TestMediaTypes.OciIndex);
            writer.WriteStartArray("manifests");
            foreach (var image in images)
            {
                writer.WriteStartObject();
                WriteDescriptorFields(writer, image.Target);
                writer.WriteStartObject("annotations");
                writer.WriteString("io.containerd.image.name", image.Name);
                writer.WriteString("org.opencontainers.image.ref.name", image.Tag);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });

    /// <summary>The <c>oci-layout</c> file.</summary>
    public static byte[] LayoutMarker() => Write(writer => writer.WriteString("imageLayoutVersion", "1.0.0"));

    /// <summary>The digest of <paramref name="bytes"/> as <c>sha256:</c> and lower-case hex.</summary>
    public static string Digest(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static TestBlob Blob(string mediaType, Action<Utf8JsonWriter> writeProperties)
    {
        var bytes = Write(writeProperties);
        return new TestBlob(Digest(bytes), mediaType, bytes);
    }

    private static byte[] Write(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteDescriptor(Utf8JsonWriter writer, TestBlob blob, ImagePlatform? platform)
    {
        writer.WriteStartObject();
        WriteDescriptorFields(writer, blob);
        if (platform is not null)
        {
            writer.WriteStartObject("platform");
            WritePlatformFields(writer, platform);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteDescriptorFields(Utf8JsonWriter writer, TestBlob blob)
    {
        writer.WriteString("mediaType", blob.MediaType);
        writer.WriteString("digest", blob.Digest);
        writer.WriteNumber("size", blob.Size);
    }

    private static void WritePlatformFields(Utf8JsonWriter writer, ImagePlatform platform)
    {
        writer.WriteString("architecture", platform.Architecture);
        writer.WriteString("os", platform.Os);
        if (platform.Variant is not null)
        {
            writer.WriteString("variant", platform.Variant);
        }
    }
}
