using Spegel.Registry.Distribution;

namespace Spegel.Registry.Containerd;

/// <summary>
/// The read-only slice of containerd's API that the content store needs, scoped to one namespace. "Not found" is
/// answered with <see langword="null"/>; an unreachable or unresponsive daemon with
/// <see cref="ContainerdUnavailableException"/>. Cancellation by the caller surfaces as
/// <see cref="OperationCanceledException"/>.
/// </summary>
internal interface IContainerdClient
{
    /// <summary>The socket the client talks to, for messages.</summary>
    string SocketPath { get; }

    /// <summary>The namespace every call is made in.</summary>
    string Namespace { get; }

    /// <summary>Whether calls are currently refused because containerd was just found unreachable.</summary>
    bool IsKnownUnreachable { get; }

    /// <summary>containerd's version string; the liveness probe.</summary>
    Task<string> GetVersionAsync(CancellationToken cancellationToken);

    /// <summary>The content service's record of a blob, or <see langword="null"/> when it has none.</summary>
    Task<ContainerdContentInfo?> GetContentInfoAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>Every blob the namespace holds.</summary>
    IAsyncEnumerable<ContainerdContentInfo> ListContentAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts reading a blob of <paramref name="size"/> bytes from <paramref name="offset"/> through the content
    /// service, waiting for the first chunk so that a missing blob is reported here, as <see langword="null"/>,
    /// and not halfway through the stream. The stream fails with <see cref="IOException"/> rather than end early.
    /// </summary>
    Task<Stream?> OpenReadAsync(Digest digest, long offset, long size, CancellationToken cancellationToken);

    /// <summary>One image by the name containerd stores, or <see langword="null"/> when there is none.</summary>
    Task<ContainerdImage?> GetImageAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every image of the namespace.</summary>
    Task<IReadOnlyList<ContainerdImage>> ListImagesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Follows image and content events of the namespace. Ends only by cancellation or with
    /// <see cref="ContainerdUnavailableException"/> when the subscription breaks.
    /// </summary>
    IAsyncEnumerable<ContainerdEvent> SubscribeAsync(CancellationToken cancellationToken);
}
