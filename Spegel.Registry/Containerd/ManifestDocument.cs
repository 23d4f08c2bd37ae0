namespace Spegel.Registry.Containerd;

/// <summary>
/// The fields of an image index or manifest (OCI or Docker schema 2) that lead to other content. An index has
/// <see cref="Manifests"/>; a manifest has <see cref="Config"/> and <see cref="Layers"/>.
/// </summary>
internal sealed record ManifestDocument(
    string? MediaType,
    ManifestDescriptor? Config,
    IReadOnlyList<ManifestDescriptor>? Layers,
    IReadOnlyList<ManifestDescriptor>? Manifests);
