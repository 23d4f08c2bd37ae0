namespace Spegel.Registry.Containerd;

/// <summary>One decoded containerd event of the watched namespace.</summary>
/// <param name="Kind">Which topic it was published on.</param>
/// <param name="Subject">The image name for image events, the digest for content events.</param>
internal sealed record ContainerdEvent(ContainerdEventKind Kind, string Subject);
