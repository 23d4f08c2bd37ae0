using Spegel.Registry.Content;

namespace Spegel.Registry.Containerd;

/// <summary>One image record of containerd's image service: a name and the descriptor it points at.</summary>
/// <param name="Name">
/// The name exactly as containerd stores it, e.g. <c>docker.io/library/nginx:1.27</c> or a bare digest.
/// </param>
/// <param name="Target">The target descriptor, with the media type containerd recorded.</param>
internal sealed record ContainerdImage(string Name, ContentDescriptor Target);
