using System.Text.Json.Serialization;

namespace Spegel.Registry.Containerd;

/// <summary>Source-generated JSON metadata for reading indexes and manifests.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ManifestDocument))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
