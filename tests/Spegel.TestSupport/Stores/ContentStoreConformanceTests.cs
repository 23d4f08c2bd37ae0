using Spegel.Registry.Content;
using Spegel.Registry.Distribution;
using Spegel.TestSupport.Images;
using Xunit;

namespace Spegel.TestSupport.Stores;

/// <summary>
/// What every <see cref="IContentStore"/> must do, whatever holds the content. A derived class supplies the store
/// through <see cref="CreateStoreAsync"/>; each test creates its own store, with images no other test uses.
/// </summary>
public abstract class ContentStoreConformanceTests
{
    private static readonly string[] TwoPlatforms = ["linux/amd64", "linux/arm64"];

    /// <summary>Creates a store that holds exactly <paramref name="images"/> (and nothing another test put there).</summary>
    protected abstract Task<IContentStore> CreateStoreAsync(IReadOnlyList<StoredImage> images, CancellationToken cancellationToken);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stat_EveryBlobOfAnImage_ReportsItsSize()
    {
        var image = TestImageBuilder.Oci("docker.io/conformance/stat-size:v1", 1001, 3000, 70_000);
        var store = await CreateStoreAsync([new StoredImage(image)], Cancellation);

        var found = new List<ContentDescriptor?>();
        foreach (var blob in image.Blobs)
        {
            found.Add(await store.StatAsync(Digest.Parse(blob.Digest), Cancellation));
        }

        Assert.Equal(image.Blobs.Select(b => (b.Digest, b.Size)), found.Select(d => (d!.Digest.Value, d.Size)));
    }

    [Fact]
    public async Task Stat_IndexAndManifests_ReportTheirMediaTypes()
    {
        var image = TestImageBuilder.MultiArch("docker.io/conformance/stat-types:v1", 1002, TwoPlatforms, 100);
        var store = await CreateStoreAsync([new StoredImage(image)], Cancellation);

        var found = new List<(TestBlob Blob, string? MediaType)>();
        foreach (var blob in image.Blobs)
        {
            found.Add((blob, (await store.StatAsync(Digest.Parse(blob.Digest), Cancellation))?.MediaType));
        }

        Assert.All(found.Where(f => IsManifestOrIndex(f.Blob)), f => Assert.Equal(f.Blob.MediaType, f.MediaType));
        Assert.All(found.Where(f => !IsManifestOrIndex(f.Blob)), f => Assert.True(f.MediaType is null || f.MediaType == f.Blob.MediaType));
    }

    [Fact]
    public async Task Stat_UnknownDigest_ReturnsNull()
    {
        var store = await CreateStoreAsync([new StoredImage(TestImageBuilder.Oci("docker.io/conformance/stat-unknown:v1", 1003, 10))], Cancellation);

        var found = await store.StatAsync(UnknownDigest, Cancellation);

        Assert.Null(found);
    }

    [Theory]
    [InlineData("start")]
    [InlineData("second byte")]
    [InlineData("middle")]
    [InlineData("last byte")]
    [InlineData("end")]
    public async Task Open_FromAnOffset_ReturnsTheSourceBytesFromThere(string where)
    {
        var image = TestImageBuilder.Oci("docker.io/conformance/open-offset:v1", 1004, 200_000);
        var store = await CreateStoreAsync([new StoredImage(image)], Cancellation);
        var layer = image.Blobs[^1];
        var offset = OffsetOf(where, layer.Size);

        await using var source = await store.OpenAsync(Digest.Parse(layer.Digest), offset, Cancellation);

        Assert.NotNull(source);
        Assert.Equal(offset, source.Offset);
        Assert.Equal(layer.Size, source.Descriptor.Size);
        Assert.Equal(layer.Bytes[(int)offset..], await ContentSourceReader.ReadToEndAsync(source, Cancellation));
    }

    [Fact]
    public async Task Open_UnknownDigest_ReturnsNull()
    {
        var store = await CreateStoreAsync([new StoredImage(TestImageBuilder.Oci("docker.io/conformance/open-unknown:v1", 1005, 10))], Cancellation);

        var source = await store.OpenAsync(UnknownDigest, 0, Cancellation);

        Assert.Null(source);
    }

    [Fact]
    public async Task ResolveTag_PresentImage_ReturnsItsTargetWithSizeAndMediaType()
    {
        var image = TestImageBuilder.MultiArch("docker.io/conformance/resolve:v1", 1006, TwoPlatforms, 100);
        var store = await CreateStoreAsync([new StoredImage(image)], Cancellation);

        var target = await store.ResolveTagAsync(NameOf(image), Cancellation);

        Assert.Equal(new ContentDescriptor(Digest.Parse(image.Target.Digest), image.Target.Size, TestMediaTypes.OciIndex), target);
    }

    [Fact]
    public async Task ResolveTag_UnknownTag_ReturnsNull()
    {
        var image = TestImageBuilder.Oci("docker.io/conformance/resolve-unknown:v1", 1007, 10);
        var store = await CreateStoreAsync([new StoredImage(image)], Cancellation);

        var target = await store.ResolveTagAsync(new ImageName("docker.io", "conformance/resolve-unknown", "v2"), Cancellation);

        Assert.Null(target);
    }

    [Fact]
    public async Task ListImages_SeveralImages_ListsExactlyTheContentOfEach()
    {
        var single = TestImageBuilder.Oci("docker.io/conformance/list-single:v1", 1008, 10, 20);
        var multi = TestImageBuilder.MultiArch("docker.io/conformance/list-multi:v1", 1009, TwoPlatforms, 30);
        var store = await CreateStoreAsync([new StoredImage(single), new StoredImage(multi)], Cancellation);

        var records = await ListAsync(store);

        AssertRecord(single.Blobs, single, records);
        AssertRecord(multi.Blobs, multi, records);
    }

    [Fact]
    public async Task ListImages_OnePlatformOfAMultiPlatformImage_LeavesOutTheOtherPlatforms()
    {
        var image = TestImageBuilder.MultiArch("docker.io/conformance/list-one-platform:v1", 1010, TwoPlatforms, 40);
        var stored = new StoredImage(image, StoredImage.HostPlatform);
        var store = await CreateStoreAsync([stored], Cancellation);
        var absent = image.Blobs.ExceptBy(stored.Blobs.Select(b => b.Digest), b => b.Digest).ToList();

        var records = await ListAsync(store);
        var absentFound = new List<ContentDescriptor?>();
        foreach (var blob in absent)
        {
            absentFound.Add(await store.StatAsync(Digest.Parse(blob.Digest), Cancellation));
        }

        AssertRecord(stored.Blobs, image, records);
        Assert.NotEmpty(absent);
        Assert.All(absentFound, Assert.Null);
    }

    [Fact]
    public async Task DockerImage_IsListedResolvedAndTypedAsDocker()
    {
        var image = TestImageBuilder.Docker("docker.io/conformance/docker:v1", 1011, 50, 60);
        var store = await CreateStoreAsync([new StoredImage(image)], Cancellation);

        var target = await store.ResolveTagAsync(NameOf(image), Cancellation);
        var records = await ListAsync(store);

        Assert.Equal(new ContentDescriptor(Digest.Parse(image.Target.Digest), image.Target.Size, TestMediaTypes.DockerManifest), target);
        AssertRecord(image.Blobs, image, records);
    }

    private static Digest UnknownDigest { get; } = Digest.Parse("sha256:" + new string('0', 63) + "1");

    private static ImageName NameOf(TestImage image) => new(image.Registry, image.Repository, image.Tag);

    private static bool IsManifestOrIndex(TestBlob blob) =>
        blob.MediaType is TestMediaTypes.OciIndex or TestMediaTypes.OciManifest or TestMediaTypes.DockerManifest;

    private static long OffsetOf(string where, long size) => where switch
    {
        "start" => 0,
        "second byte" => 1,
        "middle" => size / 2,
        "last byte" => size - 1,
        "end" => size,
        _ => throw new ArgumentOutOfRangeException(nameof(where), where, null),
    };

    private static async Task<List<ImageRecord>> ListAsync(IContentStore store)
    {
        var records = new List<ImageRecord>();
        await foreach (var record in store.ListImagesAsync(Cancellation))
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>The image is listed once under its name, with exactly the expected blobs, sizes and manifest media types.</summary>
    private static void AssertRecord(IReadOnlyList<TestBlob> expected, TestImage image, IReadOnlyList<ImageRecord> records)
    {
        var record = Assert.Single(records, r => r.Name == NameOf(image));
        Assert.Equal(new ContentDescriptor(Digest.Parse(image.Target.Digest), image.Target.Size, image.Target.MediaType), record.Target);
        Assert.Equal(
            expected.Select(b => (b.Digest, b.Size)).Order(),
            record.Contents.Select(c => (c.Digest.Value, c.Size)).Order());
        Assert.All(
            record.Contents.Where(c => expected.Single(b => b.Digest == c.Digest.Value) is var blob && IsManifestOrIndex(blob)),
            c => Assert.Equal(expected.Single(b => b.Digest == c.Digest.Value).MediaType, c.MediaType));
    }
}
