using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Spegel.Registry.Content;
using Spegel.Registry.Content.OciLayout;
using Spegel.Registry.Distribution;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Stores;

namespace Spegel.Registry.Tests.Content;

/// <summary>The store conformance suite and the layout store's own cases, on layouts in temporary folders.</summary>
public sealed class OciLayoutStoreTests : ContentStoreConformanceTests, IDisposable
{
    private readonly List<string> _folders = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    protected override Task<IContentStore> CreateStoreAsync(IReadOnlyList<StoredImage> images, CancellationToken cancellationToken)
    {
        var folder = NewFolder();
        OciLayoutWriter.Write(folder, [.. images.Select(stored => stored.Image)]);
        var kept = images.SelectMany(stored => stored.Blobs).Select(blob => blob.Hex).ToHashSet();
        foreach (var file in Directory.GetFiles(Path.Combine(folder, "blobs", "sha256")).Where(file => !kept.Contains(Path.GetFileName(file))))
        {
            File.Delete(file);
        }

        return Task.FromResult<IContentStore>(CreateStore(folder));
    }

    [Fact]
    public async Task ResolveTag_LayoutRewrittenOnDisk_ServesNewContentWithoutRestart()
    {
        var folder = NewFolder();
        var first = TestImageBuilder.Oci("docker.io/library/moving:v1", 301, 1000);
        var second = TestImageBuilder.Oci("docker.io/library/moving:v1", 302, 2000);
        OciLayoutWriter.Write(folder, first);
        var store = CreateStore(folder);
        var before = await store.ResolveTagAsync(Name(first), Token);

        OciLayoutWriter.Write(folder, second);
        File.SetLastWriteTimeUtc(Path.Combine(folder, "index.json"), DateTime.UtcNow.AddSeconds(5));
        var after = await store.ResolveTagAsync(Name(first), Token);

        Assert.Equal(first.Target.Digest, before!.Digest.Value);
        Assert.Equal(second.Target.Digest, after!.Digest.Value);
    }

    [Fact]
    public async Task Stat_BlobDeletedFromDisk_ReturnsNull()
    {
        var folder = NewFolder();
        var image = TestImageBuilder.Oci("docker.io/library/gone:v1", 303, 1000);
        OciLayoutWriter.Write(folder, image);
        var store = CreateStore(folder);
        var layer = image.Blobs[^1];

        File.Delete(Path.Combine(folder, "blobs", "sha256", layer.Hex));

        Assert.Null(await store.StatAsync(Digest.Parse(layer.Digest), Token));
        Assert.Null(await store.OpenAsync(Digest.Parse(layer.Digest), 0, Token));
    }

    [Fact]
    public async Task Stat_BlobIsSymbolicLink_ReturnsNull()
    {
        var folder = NewFolder();
        var image = TestImageBuilder.Oci("docker.io/library/link:v1", 304, 1000);
        OciLayoutWriter.Write(folder, image);
        var store = CreateStore(folder);
        var layer = image.Blobs[^1];
        var path = Path.Combine(folder, "blobs", "sha256", layer.Hex);
        File.Delete(path);

        File.CreateSymbolicLink(path, "/etc/hostname");

        Assert.Null(await store.StatAsync(Digest.Parse(layer.Digest), Token));
    }

    [Fact]
    public async Task ResolveTag_BareRefName_IsNamedAfterFolderInDefaultRegistry()
    {
        var folder = Path.Combine(NewFolder(), "myapp");
        var image = TestImageBuilder.Oci("docker.io/library/ignored:v1", 305, 1000);
        OciLayoutWriter.Write(folder, image);
        var index = File.ReadAllText(Path.Combine(folder, "index.json"))
            .Replace("\"io.containerd.image.name\":\"docker.io/library/ignored:v1\",", "", StringComparison.Ordinal)
            .Replace("\"io.containerd.image.name\":\"docker.io/library/ignored:v1\"", "", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "index.json"), index);
        var store = CreateStore(folder, defaultRegistry: "registry.local");

        var resolved = await store.ResolveTagAsync(new ImageName("registry.local", "library/myapp", "v1"), Token);

        Assert.DoesNotContain("io.containerd.image.name", index, StringComparison.Ordinal);
        Assert.Equal(image.Target.Digest, resolved!.Digest.Value);
    }

    [Fact]
    public async Task Watch_ImageAddedToLayout_ReportsItsTagAndDigests()
    {
        var folder = NewFolder();
        var first = TestImageBuilder.Oci("docker.io/library/one:v1", 306, 1000);
        var second = TestImageBuilder.Oci("docker.io/library/two:v1", 307, 1000);
        OciLayoutWriter.Write(folder, first);
        var store = CreateStore(folder);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Token);
        watching.CancelAfter(TimeSpan.FromSeconds(10));
        await using var feed = store.WatchAsync(watching.Token).GetAsyncEnumerator(watching.Token);
        var next = feed.MoveNextAsync();

        OciLayoutWriter.Write(folder, first, second);
        File.SetLastWriteTimeUtc(Path.Combine(folder, "index.json"), DateTime.UtcNow.AddSeconds(5));

        Assert.True(await next);
        Assert.Equal(StoreChangeKind.Added, feed.Current.Kind);
        Assert.Equal([Name(second)], feed.Current.Tags);
        Assert.Equal(second.Blobs.Select(blob => blob.Digest).Order(), feed.Current.Digests.Select(d => d.Digest.Value).Order());
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string NewFolder()
    {
        var folder = Directory.CreateTempSubdirectory("spegel-store-").FullName;
        _folders.Add(folder);
        return folder;
    }

    private static ImageName Name(TestImage image) => new(image.Registry, image.Repository, image.Tag);

    private static OciLayoutStore CreateStore(string folder, string defaultRegistry = "docker.io") => new(
        Options.Create(new OciLayoutStoreOptions { Path = folder, DefaultRegistry = defaultRegistry, PollInterval = TimeSpan.FromMilliseconds(50) }),
        TimeProvider.System,
        NullLogger<OciLayoutStore>.Instance);
}
