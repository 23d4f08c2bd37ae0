using System.Runtime.CompilerServices;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;

namespace Spegel.Registry.Containerd;

internal sealed partial class ContainerdContentStore
{
    // Index → index → manifest → blob is the deepest nesting images use in practice; deeper documents are not
    // followed.
    private const int MaxWalkDepth = 4;

    /// <inheritdoc/>
    /// <remarks>
    /// Presence is taken from one listing of the content service, so the walk costs two calls plus a read of each
    /// index and manifest not seen before. Images whose target is absent are left out. Throws
    /// <see cref="ContainerdUnavailableException"/> when containerd cannot be asked.
    /// </remarks>
    public async IAsyncEnumerable<ImageRecord> ListImagesAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var images = await _client.ListImagesAsync(cancellationToken);
        var present = new Dictionary<Digest, long>();
        await foreach (var info in _client.ListContentAsync(cancellationToken))
        {
            present[info.Digest] = info.Size;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            names.Add(image.Name);
            var record = await WalkAsync(
                image,
                (digest, _) => ValueTask.FromResult<long?>(present.TryGetValue(digest, out var size) ? size : null),
                cancellationToken);
            if (record is not null)
            {
                yield return record;
            }
        }

        foreach (var name in _imageContents.Keys.Where(n => !names.Contains(n)))
        {
            _imageContents.TryRemove(name, out _);
        }

        _isWarm = true;
    }

    /// <summary>
    /// Walks one image: its target and, below it, every index, manifest, config and layer that
    /// <paramref name="getPresentSize"/> reports present. Remembers what it found. Returns <see langword="null"/> when
    /// the target itself is absent.
    /// </summary>
    private async ValueTask<ImageRecord?> WalkAsync(
        ContainerdImage image,
        Func<Digest, CancellationToken, ValueTask<long?>> getPresentSize,
        CancellationToken cancellationToken)
    {
        if (await getPresentSize(image.Target.Digest, cancellationToken) is not { } targetSize)
        {
            LogDebugImageSkipped(_logger, image.Name, image.Target.Digest.Value);
            _imageContents.TryRemove(image.Name, out _);
            return null;
        }

        var target = image.Target with { Size = targetSize };
        var contents = new List<ContentDescriptor>();
        var seen = new HashSet<Digest> { target.Digest };
        await VisitAsync(target, 0);

        _imageContents[image.Name] = contents;
        return new ImageRecord(ImageName.TryParse(image.Name, out var name) ? name : null, target, contents);

        async ValueTask VisitAsync(ContentDescriptor descriptor, int depth)
        {
            contents.Add(descriptor);
            Remember(descriptor);
            if (depth >= MaxWalkDepth
                || !(OciMediaTypes.IsIndex(descriptor.MediaType) || OciMediaTypes.IsManifest(descriptor.MediaType)))
            {
                return;
            }

            foreach (var child in await GetChildrenAsync(descriptor, cancellationToken))
            {
                if (seen.Add(child.Digest) && await getPresentSize(child.Digest, cancellationToken) is { } size)
                {
                    await VisitAsync(child with { Size = size }, depth + 1);
                }
            }
        }
    }

    /// <summary>The walk's presence check outside an inventory: one content service lookup per digest.</summary>
    private async ValueTask<long?> GetSizeFromContainerdAsync(Digest digest, CancellationToken cancellationToken) =>
        (await _client.GetContentInfoAsync(digest, cancellationToken))?.Size;

    /// <summary>The descriptors an index or manifest points at; empty when it cannot be read or parsed.</summary>
    private async ValueTask<IReadOnlyList<ContentDescriptor>> GetChildrenAsync(
        ContentDescriptor document,
        CancellationToken cancellationToken)
    {
        if (_children.TryGetValue(document.Digest, out var cached))
        {
            return cached;
        }

        if (document.Size > OciMediaTypes.MaxManifestSize)
        {
            LogWarningManifestUnreadable(
                _logger, document.Digest.Value, $"larger than {OciMediaTypes.MaxManifestSize} bytes");
            return [];
        }

        var bytes = await ReadSmallBlobAsync(document.Digest, document.Size, cancellationToken);
        if (bytes is null || !ManifestReferences.TryParse(bytes, document.MediaType, out var children))
        {
            LogWarningManifestUnreadable(
                _logger, document.Digest.Value, bytes is null ? "it could not be read" : "it is not valid JSON");
            return [];
        }

        if (_children.Count >= MaxCachedEntries)
        {
            _children.Clear();
        }

        _children[document.Digest] = children;
        return children;
    }

    /// <summary>
    /// Reads a whole small blob, from its file when visible, else through containerd; null when it is gone.
    /// </summary>
    private async ValueTask<byte[]?> ReadSmallBlobAsync(Digest digest, long size, CancellationToken cancellationToken)
    {
        try
        {
            if (TryGetBlobFile(digest, size, out var path))
            {
                var fromFile = await File.ReadAllBytesAsync(path, cancellationToken);
                return fromFile.Length == size ? fromFile : null;
            }

            await using var stream = await _client.OpenReadAsync(digest, 0, size, cancellationToken);
            if (stream is null)
            {
                return null;
            }

            var buffer = new byte[size];
            await stream.ReadExactlyAsync(buffer, cancellationToken);
            return buffer;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException
            && ex is not ContainerdUnavailableException)
        {
            // Collected or deleted while being read: it is simply not there any more.
            return null;
        }
    }
}
