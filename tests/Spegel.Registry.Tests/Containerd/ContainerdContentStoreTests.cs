using System.Diagnostics;
using Spegel.Registry.Containerd;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;
using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Stores;

namespace Spegel.Registry.Tests.Containerd;

/// <summary>The store conformance suite and containerd's own cases, against a private containerd.</summary>
public sealed class ContainerdContentStoreTests : ContentStoreConformanceTests, IClassFixture<ContainerdDaemon>, IDisposable
{
    private readonly ContainerdDaemon _daemon;
    private readonly ContainerdStoreHarness _harness;

    public ContainerdContentStoreTests(ContainerdDaemon daemon)
    {
        _daemon = daemon;
        _harness = new ContainerdStoreHarness(daemon);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected override async Task<IContentStore> CreateStoreAsync(IReadOnlyList<StoredImage> images, CancellationToken cancellationToken)
    {
        var containerdNamespace = ContainerdStoreHarness.NewNamespace();
        await _harness.ImportAsync(containerdNamespace, images);
        return _harness.CreateStore(_harness.Options(containerdNamespace));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(600_000)]
    [InlineData(1_199_999)]
    [InlineData(1_300_000)]
    public async Task Open_ContentFolderNotVisible_StreamsTheSameBytesThroughContainerd(int offset)
    {
        var image = TestImageBuilder.Oci("docker.io/containerd/read-stream:v1", 2001, 1_199_000);
        var layer = image.Blobs[^1];
        var containerdNamespace = ContainerdStoreHarness.NewNamespace();
        await _harness.ImportAsync(containerdNamespace, [new StoredImage(image)]);
        var store = _harness.CreateStore(_harness.Options(containerdNamespace) with { ContentPath = "/nonexistent/content" });
        offset = (int)Math.Min(offset, layer.Size);

        await using var source = await store.OpenAsync(Digest.Parse(layer.Digest), offset, Cancellation);

        Assert.NotNull(source);
        Assert.Null(source.FilePath);
        Assert.NotNull(source.Stream);
        Assert.Equal(layer.Bytes[offset..], await ContentSourceReader.ReadToEndAsync(source, Cancellation));
    }

    [Fact]
    public async Task Open_ContentFolderVisible_ReturnsTheBlobFile()
    {
        var image = TestImageBuilder.Oci("docker.io/containerd/file:v1", 2002, 1000);
        var layer = image.Blobs[^1];
        var store = await CreateStoreAsync([new StoredImage(image)], Cancellation);

        await using var source = await store.OpenAsync(Digest.Parse(layer.Digest), 10, Cancellation);

        Assert.NotNull(source);
        Assert.Equal(Path.Combine(_daemon.ContentPath, "blobs", "sha256", layer.Hex), source.FilePath);
        Assert.Equal(10, source.Offset);
    }

    [Fact]
    public async Task StatAndOpen_BlobFileDeletedBehindContainerd_ReturnNull()
    {
        var image = TestImageBuilder.Oci("docker.io/containerd/vanished:v1", 2003, 1000);
        var layer = image.Blobs[^1];
        var store = await CreateStoreAsync([new StoredImage(image)], Cancellation);
        File.Delete(Path.Combine(_daemon.ContentPath, "blobs", "sha256", layer.Hex));

        var stat = await store.StatAsync(Digest.Parse(layer.Digest), Cancellation);
        var source = await store.OpenAsync(Digest.Parse(layer.Digest), 0, Cancellation);

        Assert.Null(stat);
        Assert.Null(source);
    }

    [Fact]
    public async Task Open_BlobFileDeletedAndContentFolderNotVisible_ReturnsNull()
    {
        var image = TestImageBuilder.Oci("docker.io/containerd/vanished-stream:v1", 2004, 1000);
        var layer = image.Blobs[^1];
        var containerdNamespace = ContainerdStoreHarness.NewNamespace();
        await _harness.ImportAsync(containerdNamespace, [new StoredImage(image)]);
        var store = _harness.CreateStore(_harness.Options(containerdNamespace) with { ContentPath = "/nonexistent/content" });
        File.Delete(Path.Combine(_daemon.ContentPath, "blobs", "sha256", layer.Hex));

        var source = await store.OpenAsync(Digest.Parse(layer.Digest), 0, Cancellation);

        Assert.Null(source);
    }

    [Fact]
    public async Task Lookups_SocketUnreachable_AnswerNullFastAndHealthSaysWhy()
    {
        var socketPath = $"/tmp/ctd-absent-{Guid.NewGuid():N}/c.sock";
        var store = _harness.CreateStore(new ContainerdStoreOptions { SocketPath = socketPath });
        var digest = Digest.Parse(TestImageBuilder.Oci("docker.io/containerd/unreachable:v1", 2005, 10).Target.Digest);
        var clock = Stopwatch.StartNew();

        var stat = await store.StatAsync(digest, Cancellation);
        var first = clock.Elapsed;
        var source = await store.OpenAsync(digest, 0, Cancellation);
        var tag = await store.ResolveTagAsync(new ImageName("docker.io", "containerd/unreachable", "v1"), Cancellation);
        var all = clock.Elapsed;
        var health = await store.CheckHealthAsync(Cancellation);

        Assert.Null(stat);
        Assert.Null(source);
        Assert.Null(tag);
        Assert.True(first < TimeSpan.FromSeconds(1), $"The first lookup took {first}.");
        Assert.True(all - first < TimeSpan.FromMilliseconds(100), $"Lookups while known unreachable took {all - first}.");
        Assert.False(health.IsReachable);
        Assert.Contains(socketPath, health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealth_DaemonRunning_ReportsItsVersion()
    {
        var store = _harness.CreateStore(_harness.Options(ContainerdStoreHarness.NewNamespace()));

        var health = await store.CheckHealthAsync(Cancellation);

        Assert.True(health.IsReachable, health.Description);
        Assert.Contains(_daemon.SocketPath, health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListImages_ImageKnownOnlyByDigest_IsListedWithoutName()
    {
        var image = TestImageBuilder.Oci("docker.io/containerd/by-digest:v1", 2006, 10);
        var containerdNamespace = ContainerdStoreHarness.NewNamespace();
        await _harness.ImportAsync(containerdNamespace, [new StoredImage(image)]);
        await _daemon.CtrAsync(containerdNamespace, "images", "tag", image.Name, image.Target.Digest);
        var store = _harness.CreateStore(_harness.Options(containerdNamespace));

        var records = new List<ImageRecord>();
        await foreach (var record in store.ListImagesAsync(Cancellation))
        {
            records.Add(record);
        }

        var unnamed = Assert.Single(records, r => r.Name is null);
        Assert.Equal(image.Blobs.Select(b => b.Digest).Order(), unnamed.Contents.Select(c => c.Digest.Value).Order());
    }

    public void Dispose() => _harness.Dispose();
}
