using Spegel.Registry.Distribution;

namespace Spegel.Registry.Containerd;

/// <summary>One committed blob as containerd's content service describes it.</summary>
/// <param name="Digest">The content address.</param>
/// <param name="Size">The size in bytes.</param>
internal sealed record ContainerdContentInfo(Digest Digest, long Size);
