using Spegel.Registry.Distribution;

namespace Spegel.Registry.Content;

/// <summary>
/// The node's local content: what the registry endpoint serves without asking the cluster, and what the agent
/// advertises. Implementations answer "absent" with <see langword="null"/>, never with an exception; an exception
/// means the store itself is broken or unreachable.
/// </summary>
public interface IContentStore
{
    /// <summary>A short description for logs and the debug page, e.g. <c>oci:/data/layout</c>.</summary>
    string Description { get; }

    /// <summary>Looks up one digest. Returns <see langword="null"/> when it is not present.</summary>
    ValueTask<ContentDescriptor?> StatAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Opens content for reading from <paramref name="offset"/> (0 ≤ offset ≤ size). Returns <see langword="null"/>
    /// when it is not present, including when it vanished between <see cref="StatAsync"/> and this call.
    /// </summary>
    ValueTask<ContentSource?> OpenAsync(Digest digest, long offset, CancellationToken cancellationToken);

    /// <summary>
    /// Resolves a tagged image name to the descriptor it points at, with its media type. Returns
    /// <see langword="null"/> when no such image is present or its target content is missing.
    /// </summary>
    ValueTask<ContentDescriptor?> ResolveTagAsync(ImageName name, CancellationToken cancellationToken);

    /// <summary>Lists every image and the content under it that is present in the store.</summary>
    IAsyncEnumerable<ImageRecord> ListImagesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Follows changes until <paramref name="cancellationToken"/> fires. A consumer takes an inventory after it
    /// starts watching; a <see cref="StoreChangeKind.Reset"/> tells it to take a new one.
    /// </summary>
    IAsyncEnumerable<StoreChange> WatchAsync(CancellationToken cancellationToken);

    /// <summary>Whether the store can be reached right now; the description says why not when it cannot.</summary>
    ValueTask<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken);
}
