using System.Text.Json.Serialization;

namespace Spegel.Silo.MirrorConfiguration;

/// <summary>Source-generated JSON metadata for <see cref="MirrorBackupManifest"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(MirrorBackupManifest))]
internal sealed partial class MirrorBackupJsonContext : JsonSerializerContext;
