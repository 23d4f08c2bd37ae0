using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;

namespace Spegel.Registry.Containerd;

/// <summary>
/// The node's containerd content store, one namespace of it, as an <see cref="IContentStore"/>.
/// </summary>
/// <remarks>
/// <para>
/// Existence and size come from the content service. Bytes come from the blob file under
/// <see cref="ContainerdStoreOptions.ContentPath"/> when that folder is visible, otherwise from the content service's
/// <c>Read</c> stream. When the folder is visible, a blob containerd still lists but whose file is gone (collected,
/// or deleted behind containerd's back) is reported absent.
/// </para>
/// <para>
/// containerd records media types only on image targets. The media types of child manifests, configs and layers are
/// learned from the documents read while walking images (inventory and change feed) and kept in a cache keyed by
/// digest; the first lookup of a fresh store walks every image once to fill it. Content that no image references,
/// or that appeared after the last walk without an event, is reported with no media type.
/// </para>
/// <para>
/// When containerd is unreachable, lookups answer "absent" at once for
/// <see cref="ContainerdStoreOptions.RetryUnreachableAfter"/>
/// so the endpoint can answer a fast 404; the outage is logged once by the client.
/// </para>
/// </remarks>
internal sealed partial class ContainerdContentStore : IContentStore, IDisposable
{
    // Bounds both caches; past it they are dropped and rebuilt by the next walk (content addresses never go stale,
    // so the cost of a drop is only the walk).
    private const int MaxCachedEntries = 1 << 16;

    private readonly IContainerdClient _client;
    private readonly ContainerdStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ContainerdContentStore> _logger;
    private readonly string _blobRoot;

    /// <summary>Descriptors (size and media type) of every digest seen while walking images.</summary>
    private readonly ConcurrentDictionary<Digest, ContentDescriptor> _known = new();

    /// <summary>
    /// The parsed children of indexes and manifests; content is immutable, so entries never go stale.
    /// </summary>
    private readonly ConcurrentDictionary<Digest, IReadOnlyList<ContentDescriptor>> _children = new();

    /// <summary>The content under each image name at its last walk; what an image delete may have released.</summary>
    private readonly ConcurrentDictionary<string, IReadOnlyList<ContentDescriptor>> _imageContents = new(
        StringComparer.Ordinal);

    private readonly SemaphoreSlim _warmUpGate = new(1, 1);
    private volatile bool _isWarm;

    public ContainerdContentStore(
        IContainerdClient client,
        IOptions<ContainerdStoreOptions> options,
        TimeProvider timeProvider,
        ILogger<ContainerdContentStore> logger)
    {
        _client = client;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _blobRoot = Path.Combine(_options.ContentPath, "blobs");
    }

    /// <inheritdoc/>
    public string Description => $"containerd:{_client.SocketPath}?namespace={_client.Namespace}";

    /// <inheritdoc/>
    public async ValueTask<ContentDescriptor?> StatAsync(Digest digest, CancellationToken cancellationToken)
    {
        if (digest.IsEmpty || _client.IsKnownUnreachable)
        {
            return null;
        }

        var size = await GetPresentSizeAsync(digest, cancellationToken);
        if (size is null)
        {
            return null;
        }

        await WarmUpAsync(cancellationToken);
        return new ContentDescriptor(digest, size.Value, _known.GetValueOrDefault(digest)?.MediaType);
    }

    /// <inheritdoc/>
    public async ValueTask<ContentSource?> OpenAsync(Digest digest, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var descriptor = await StatAsync(digest, cancellationToken);
        if (descriptor is null)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, descriptor.Size);
        if (TryGetBlobFile(digest, descriptor.Size, out var path))
        {
            return ContentSource.FromFile(descriptor, offset, path);
        }

        var stream = await TryOpenReadAsync(digest, offset, descriptor.Size, cancellationToken);
        return stream is null ? null : ContentSource.FromStream(descriptor, offset, stream);
    }

    /// <inheritdoc/>
    public async ValueTask<ContentDescriptor?> ResolveTagAsync(ImageName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_client.IsKnownUnreachable)
        {
            return null;
        }

        ContainerdImage? image;
        try
        {
            image = await _client.GetImageAsync(name.ToString(), cancellationToken);
        }
        catch (ContainerdUnavailableException)
        {
            // Logged by the client; a lookup that cannot be answered is a miss, so the endpoint answers 404 fast.
            return null;
        }

        if (image is null || await GetPresentSizeAsync(image.Target.Digest, cancellationToken) is not { } size)
        {
            return null;
        }

        var target = image.Target with
        {
            Size = size,
            MediaType = image.Target.MediaType ?? _known.GetValueOrDefault(image.Target.Digest)?.MediaType
        };
        Remember(target);
        return target;
    }

    /// <inheritdoc/>
    public async ValueTask<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var version = await _client.GetVersionAsync(cancellationToken);
            return new StoreHealth(
                true, $"containerd {version} at {_client.SocketPath}, namespace {_client.Namespace}");
        }
        catch (ContainerdUnavailableException ex)
        {
            return new StoreHealth(false, ex.Message);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _warmUpGate.Dispose();

    /// <summary>
    /// The size of a blob that is present: containerd has it and, when the content folder is visible, so does the
    /// disk. Returns <see langword="null"/> when absent or when containerd cannot be asked.
    /// </summary>
    private async ValueTask<long?> GetPresentSizeAsync(Digest digest, CancellationToken cancellationToken)
    {
        ContainerdContentInfo? info;
        try
        {
            info = await _client.GetContentInfoAsync(digest, cancellationToken);
        }
        catch (ContainerdUnavailableException)
        {
            // Logged by the client; see ResolveTagAsync.
            return null;
        }

        if (info is null || (Directory.Exists(_blobRoot) && !File.Exists(BlobPath(digest))))
        {
            return null;
        }

        return info.Size;
    }

    private async ValueTask<Stream?> TryOpenReadAsync(
        Digest digest,
        long offset,
        long size,
        CancellationToken cancellationToken)
    {
        try
        {
            return await _client.OpenReadAsync(digest, offset, size, cancellationToken);
        }
        catch (ContainerdUnavailableException)
        {
            // Logged by the client; see ResolveTagAsync.
            return null;
        }
    }

    private bool TryGetBlobFile(Digest digest, long size, out string path)
    {
        path = BlobPath(digest);
        try
        {
            var file = new FileInfo(path);
            return file.Exists && file.Length == size;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An unreadable folder means the Read stream must be used instead.
            return false;
        }
    }

    private string BlobPath(Digest digest) => Path.Combine(_blobRoot, digest.Algorithm, digest.Hex);

    /// <summary>Remembers a descriptor's size and media type; a known media type is never replaced by none.</summary>
    private void Remember(ContentDescriptor descriptor)
    {
        if (_known.Count >= MaxCachedEntries)
        {
            _known.Clear();
            _isWarm = false;
        }

        _known.AddOrUpdate(
            descriptor.Digest,
            descriptor,
            (_, existing) => descriptor.MediaType is null ? existing with { Size = descriptor.Size } : descriptor);
    }

    /// <summary>
    /// Walks every image once, the first time a lookup needs media types, so they are known from the start.
    /// </summary>
    private async ValueTask WarmUpAsync(CancellationToken cancellationToken)
    {
        if (_isWarm)
        {
            return;
        }

        await _warmUpGate.WaitAsync(cancellationToken);
        try
        {
            if (!_isWarm)
            {
                await foreach (var _ in ListImagesAsync(cancellationToken))
                {
                    // The walk fills the caches; the records themselves are not needed here.
                }
            }
        }
        catch (ContainerdUnavailableException)
        {
            // Logged by the client; media types stay unknown until a later lookup or walk succeeds.
        }
        finally
        {
            _warmUpGate.Release();
        }
    }
}
