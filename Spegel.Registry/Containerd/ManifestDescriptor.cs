namespace Spegel.Registry.Containerd;

/// <summary>A descriptor as it appears inside an index or manifest.</summary>
internal sealed record ManifestDescriptor(string? MediaType, string? Digest, long Size);
