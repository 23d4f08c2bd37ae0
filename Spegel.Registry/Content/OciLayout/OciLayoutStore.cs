using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spegel.Registry.Distribution;
using Spegel.Registry.Http;

namespace Spegel.Registry.Content.OciLayout;

/// <summary>
/// Serves an OCI image layout folder (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>).
/// </summary>
/// <remarks>
/// <para>Image names: the <c>io.containerd.image.name</c> annotation of a descriptor in <c>index.json</c> (a full
/// reference such as <c>docker.io/library/nginx:1.27</c>) wins. Otherwise <c>org.opencontainers.image.ref.name</c>:
/// taken as is when it is a full reference, and when it is a bare tag the image is named
/// <c>&lt;default registry&gt;/library/&lt;folder name&gt;:&lt;tag&gt;</c>, since nothing better is known. A
/// descriptor with neither is still inventoried, by digest only.</para>
/// <para>Changes: <c>index.json</c> is read again whenever its write time or length changed, checked on every
/// lookup, so a layout rewritten on disk is served without a restart. The change feed polls the same stamp and
/// reports the difference between two readings. A blob deleted without a change to <c>index.json</c> is answered
/// as absent at once, but the feed reports it only with the next index change.</para>
/// <para>Only the file at <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c> of a validated digest is ever opened, and a symbolic
/// link there is treated as absent, so no request can read a file outside the layout.</para>
/// </remarks>
public sealed partial class OciLayoutStore : IContentStore
{
    private const string ContainerdNameAnnotation = "io.containerd.image.name";
    private const string OciRefNameAnnotation = "org.opencontainers.image.ref.name";

    private readonly string _root;
    private readonly string _indexPath;
    private readonly OciLayoutStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<OciLayoutStore> _logger;
    private readonly Lock _reloadLock = new();
    private OciLayoutSnapshot _snapshot = OciLayoutSnapshot.Empty;

    /// <summary>Creates a store over the folder named in <paramref name="options"/>.</summary>
    public OciLayoutStore(
        IOptions<OciLayoutStoreOptions> options,
        TimeProvider timeProvider,
        ILogger<OciLayoutStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        ArgumentException.ThrowIfNullOrEmpty(_options.Path);
        _root = Path.GetFullPath(_options.Path);
        _indexPath = Path.Combine(_root, "index.json");
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc/>
    public string Description => $"oci:{_root}";

    /// <inheritdoc/>
    public ValueTask<ContentDescriptor?> StatAsync(Digest digest, CancellationToken cancellationToken)
    {
        var file = BlobFile(digest);
        if (file is null)
        {
            return ValueTask.FromResult<ContentDescriptor?>(null);
        }

        Current().MediaTypes.TryGetValue(digest, out var mediaType);
        return ValueTask.FromResult<ContentDescriptor?>(new ContentDescriptor(digest, file.Length, mediaType));
    }

    /// <inheritdoc/>
    public async ValueTask<ContentSource?> OpenAsync(Digest digest, long offset, CancellationToken cancellationToken)
    {
        var descriptor = await StatAsync(digest, cancellationToken);
        if (descriptor is null || offset > descriptor.Size)
        {
            return null;
        }

        return ContentSource.FromFile(descriptor, offset, BlobPath(digest));
    }

    /// <inheritdoc/>
    public async ValueTask<ContentDescriptor?> ResolveTagAsync(ImageName name, CancellationToken cancellationToken)
    {
        if (!Current().Tags.TryGetValue(name, out var target))
        {
            return null;
        }

        var present = await StatAsync(target.Digest, cancellationToken);
        return present is null ? null : target with { Size = present.Size };
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ImageRecord> ListImagesAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var image in Current().Images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var present = image.Contents.Where(content => BlobFile(content.Digest) is not null).ToList();
            if (present.Count > 0 && present[0].Digest == image.Target.Digest)
            {
                yield return image with { Contents = present };
            }
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoreChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var previous = Current();
        using var timer = new PeriodicTimer(_options.PollInterval, _timeProvider);
        while (await WaitAsync(timer, cancellationToken))
        {
            var current = Current();
            if (ReferenceEquals(current, previous))
            {
                continue;
            }

            foreach (var change in Diff(previous, current))
            {
                yield return change;
            }

            previous = current;
        }

        static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
        {
            try
            {
                return await timer.WaitForNextTickAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var reachable = File.Exists(_indexPath);
        return ValueTask.FromResult(
            new StoreHealth(reachable, reachable ? $"{_indexPath} is readable" : $"{_indexPath} is missing"));
    }

    private static IEnumerable<StoreChange> Diff(OciLayoutSnapshot previous, OciLayoutSnapshot current)
    {
        var before = previous.Images.SelectMany(image => image.Contents).DistinctBy(content => content.Digest)
            .ToDictionary(c => c.Digest);
        var after = current.Images.SelectMany(image => image.Contents).DistinctBy(content => content.Digest)
            .ToDictionary(c => c.Digest);
        var addedTags = current.Tags.Where(
            tag => !previous.Tags.TryGetValue(tag.Key, out var old) || old.Digest != tag.Value.Digest)
            .Select(tag => tag.Key).ToList();
        var removedTags = previous.Tags.Keys.Where(tag => !current.Tags.ContainsKey(tag)).ToList();
        var addedDigests = after.Values.Where(content => !before.ContainsKey(content.Digest)).ToList();
        var removedDigests = before.Values.Where(content => !after.ContainsKey(content.Digest)).ToList();
        if (removedTags.Count > 0 || removedDigests.Count > 0)
        {
            yield return new StoreChange(StoreChangeKind.Removed, removedTags, removedDigests);
        }

        if (addedTags.Count > 0 || addedDigests.Count > 0)
        {
            yield return new StoreChange(StoreChangeKind.Added, addedTags, addedDigests);
        }
    }

    /// <summary>The snapshot for the current <c>index.json</c>, read again when the file changed.</summary>
    private OciLayoutSnapshot Current()
    {
        var snapshot = Volatile.Read(ref _snapshot);
        var stamp = IndexStamp();
        if (stamp == snapshot.IndexStamp)
        {
            return snapshot;
        }

        lock (_reloadLock)
        {
            snapshot = _snapshot;
            stamp = IndexStamp();
            if (stamp != snapshot.IndexStamp)
            {
                snapshot = Load(stamp);
                Volatile.Write(ref _snapshot, snapshot);
            }

            return snapshot;
        }
    }

    private (DateTime, long) IndexStamp()
    {
        var info = new FileInfo(_indexPath);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    private OciLayoutSnapshot Load((DateTime WriteTime, long Length) stamp)
    {
        if (stamp.Length < 0)
        {
            LogIndexMissing(_logger, _indexPath);
            return OciLayoutSnapshot.Empty with { IndexStamp = stamp };
        }

        IReadOnlyList<ManifestReader.Child> entries;
        try
        {
            entries = ManifestReader.ReadChildren(File.ReadAllBytes(_indexPath));
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            LogIndexUnreadable(_logger, _indexPath, ex);
            return OciLayoutSnapshot.Empty with { IndexStamp = stamp };
        }

        var tags = new Dictionary<ImageName, ContentDescriptor>();
        var mediaTypes = new Dictionary<Digest, string>();
        var images = new List<ImageRecord>();
        foreach (var entry in entries)
        {
            var name = NameOf(entry);
            if (name is not null)
            {
                tags[name] = entry.Descriptor;
            }

            images.Add(new ImageRecord(name, entry.Descriptor, Walk(entry.Descriptor, mediaTypes)));
        }

        LogIndexLoaded(_logger, _indexPath, images.Count, tags.Count);
        return new OciLayoutSnapshot(stamp, tags, mediaTypes, images);
    }

    /// <summary>The target and everything under it, present or not (presence is checked when listing).</summary>
    private List<ContentDescriptor> Walk(ContentDescriptor target, Dictionary<Digest, string> mediaTypes)
    {
        var contents = new List<ContentDescriptor>();
        var seen = new HashSet<Digest>();
        var pending = new Stack<ContentDescriptor>();
        pending.Push(target);
        while (pending.Count > 0)
        {
            var descriptor = pending.Pop();
            if (!seen.Add(descriptor.Digest))
            {
                continue;
            }

            if (descriptor.MediaType is not null)
            {
                mediaTypes.TryAdd(descriptor.Digest, descriptor.MediaType);
            }

            var file = BlobFile(descriptor.Digest);
            if (file is null)
            {
                continue;
            }

            contents.Add(descriptor);
            if (!MediaTypes.IsManifest(descriptor.MediaType) || file.Length > MediaTypes.MaxManifestSize)
            {
                continue;
            }

            foreach (var child in ReadChildrenOrNone(file.FullName).Reverse())
            {
                pending.Push(child.Descriptor);
            }
        }

        return contents;
    }

    private IReadOnlyList<ManifestReader.Child> ReadChildrenOrNone(string path)
    {
        try
        {
            return ManifestReader.ReadChildren(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            LogManifestUnreadable(_logger, path, ex);
            return [];
        }
    }

    private ImageName? NameOf(ManifestReader.Child entry)
    {
        if (entry.Annotations.TryGetValue(ContainerdNameAnnotation, out var full)
            && ImageName.TryParse(full, out var name))
        {
            return name;
        }

        if (!entry.Annotations.TryGetValue(OciRefNameAnnotation, out var refName))
        {
            return null;
        }

        if (ImageName.TryParse(refName, out name))
        {
            return name;
        }

        var repository = $"library/{Path.GetFileName(_root).ToLowerInvariant()}";
        return DistributionGrammar.IsValidTag(refName) && DistributionGrammar.IsValidRepositoryName(repository)
            ? new ImageName(_options.DefaultRegistry, repository, refName)
            : null;
    }

    private string BlobPath(Digest digest) => Path.Combine(_root, "blobs", digest.Algorithm, digest.Hex);

    private FileInfo? BlobFile(Digest digest)
    {
        var info = new FileInfo(BlobPath(digest));
        return info.Exists && info.LinkTarget is null ? info : null;
    }

    [LoggerMessage(EventId = RegistryEventIds.OciIndexLoaded, EventName = nameof(RegistryEventIds.OciIndexLoaded),
        Level = LogLevel.Information,
        Message = "Read {IndexPath}: {ImageCount} images, {TagCount} tags")]
    private static partial void LogIndexLoaded(ILogger logger, string indexPath, int imageCount, int tagCount);

    [LoggerMessage(EventId = RegistryEventIds.OciIndexMissing, EventName = nameof(RegistryEventIds.OciIndexMissing),
        Level = LogLevel.Warning,
        Message = "{IndexPath} does not exist; the store is empty")]
    private static partial void LogIndexMissing(ILogger logger, string indexPath);

    [LoggerMessage(EventId = RegistryEventIds.OciIndexUnreadable,
        EventName = nameof(RegistryEventIds.OciIndexUnreadable), Level = LogLevel.Warning,
        Message = "{IndexPath} cannot be read; the store is empty until it changes")]
    private static partial void LogIndexUnreadable(ILogger logger, string indexPath, Exception exception);

    [LoggerMessage(EventId = RegistryEventIds.OciManifestUnreadable,
        EventName = nameof(RegistryEventIds.OciManifestUnreadable), Level = LogLevel.Warning,
        Message = "Manifest {Path} cannot be read; its children are left out")]
    private static partial void LogManifestUnreadable(ILogger logger, string path, Exception exception);
}
