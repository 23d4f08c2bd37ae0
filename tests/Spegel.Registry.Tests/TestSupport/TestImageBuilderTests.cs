using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Spegel.TestSupport.Images;

namespace Spegel.Registry.Tests.TestSupport;

public sealed class TestImageBuilderTests
{
    private const string PinnedOciDigest = "sha256:0f421b6699df98b5621d942802e5f48769361b1bcb37df3424071bd8b3f6c1f7";

    private static readonly string[] TwoPlatforms = ["linux/amd64", "linux/arm64"];

    [Theory]
    [InlineData("oci")]
    [InlineData("docker")]
    [InlineData("multi")]
    public void Build_SameArguments_GivesByteIdenticalBlobs(string kind)
    {
        var first = Build(kind, seed: 7);
        var second = Build(kind, seed: 7);

        Assert.Equal(first.Target.Digest, second.Target.Digest);
        Assert.Equal(first.Blobs.Count, second.Blobs.Count);
        for (var i = 0; i < first.Blobs.Count; i++)
        {
            Assert.Equal(first.Blobs[i].Digest, second.Blobs[i].Digest);
            Assert.Equal(first.Blobs[i].MediaType, second.Blobs[i].MediaType);
            Assert.Equal(first.Blobs[i].Bytes, second.Blobs[i].Bytes);
        }
    }

    [Fact]
    public void Oci_FixedArguments_GiveTheSameDigestOnEveryMachine()
    {
        var image = TestImageBuilder.Oci("docker.io/library/app:v1", 1, 1000, 70_000);

        // Pinned: a change here changes every generated image, so it must be deliberate.
        Assert.Equal(PinnedOciDigest, image.Target.Digest);
    }

    [Fact]
    public void Build_DifferentSeeds_ShareNoLayers()
    {
        var one = TestImageBuilder.Oci("docker.io/library/app:v1", 1, 100, 100);
        var two = TestImageBuilder.Oci("docker.io/library/app:v1", 2, 100, 100);

        Assert.Empty(LayerDigests(one).Intersect(LayerDigests(two)));
        Assert.Equal(2, LayerDigests(one).Distinct().Count());
    }

    [Theory]
    [InlineData("oci")]
    [InlineData("docker")]
    [InlineData("multi")]
    public void Blobs_DigestsAndSizes_MatchTheirBytes(string kind)
    {
        var image = Build(kind, seed: 3);

        Assert.Same(image.Target, image.Blobs[0]);
        Assert.Equal(image.Blobs.Count, image.Blobs.Select(b => b.Digest).Distinct().Count());
        foreach (var blob in image.Blobs)
        {
            Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob.Bytes)), blob.Digest);
            Assert.Equal(blob.Bytes.LongLength, blob.Size);
        }
    }

    [Theory]
    [InlineData("oci", TestMediaTypes.OciManifest, TestMediaTypes.OciConfig, TestMediaTypes.OciLayerGzip)]
    [InlineData("docker", TestMediaTypes.DockerManifest, TestMediaTypes.DockerConfig, TestMediaTypes.DockerLayerGzip)]
    public void Manifest_References_ResolveToBlobsOfTheImage(string kind, string manifestType, string configType, string layerType)
    {
        var image = Build(kind, seed: 5);

        var manifest = Parse(image.Target);

        Assert.Equal(manifestType, image.Target.MediaType);
        Assert.Equal(2, manifest.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(manifestType, manifest.GetProperty("mediaType").GetString());
        Assert.Equal(configType, Resolve(image, manifest.GetProperty("config")).MediaType);
        var layers = manifest.GetProperty("layers").EnumerateArray().Select(d => Resolve(image, d)).ToList();
        Assert.Equal(3, layers.Count);
        Assert.All(layers, l => Assert.Equal(layerType, l.MediaType));
        Assert.Equal(2 + layers.Count, image.Blobs.Count);
    }

    [Fact]
    public void MultiArch_Index_ListsOneManifestPerPlatformWithItsPlatform()
    {
        var image = Build("multi", seed: 9);

        var index = Parse(image.Target);

        Assert.Equal(TestMediaTypes.OciIndex, image.Target.MediaType);
        Assert.Equal(TestMediaTypes.OciIndex, index.GetProperty("mediaType").GetString());
        Assert.Equal(TwoPlatforms, image.Platforms);
        var entries = index.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(TwoPlatforms.Length, entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var platform = entries[i].GetProperty("platform");
            Assert.Equal(TwoPlatforms[i], $"{platform.GetProperty("os").GetString()}/{platform.GetProperty("architecture").GetString()}");
            var manifest = Resolve(image, entries[i]);
            Assert.Equal(TestMediaTypes.OciManifest, manifest.MediaType);
            var config = Parse(Resolve(image, Parse(manifest).GetProperty("config")));
            Assert.Equal(platform.GetProperty("architecture").GetString(), config.GetProperty("architecture").GetString());
        }
    }

    [Fact]
    public void MultiArch_BlobsForPlatform_HoldsIndexAndOnlyThatPlatformsContent()
    {
        var image = Build("multi", seed: 11);

        var amd64 = image.BlobsForPlatform("linux/amd64");
        var arm64 = image.BlobsForPlatform("linux/arm64");

        Assert.Equal(image.Target, amd64[0]);
        Assert.Equal(image.Target, arm64[0]);
        Assert.Equal(6, amd64.Count);
        Assert.Equal(6, arm64.Count);
        Assert.Equal([image.Target.Digest], amd64.Select(b => b.Digest).Intersect(arm64.Select(b => b.Digest)));
        Assert.Equal(image.Blobs.Select(b => b.Digest).Order(), amd64.Concat(arm64.Skip(1)).Select(b => b.Digest).Order());
        Assert.Throws<ArgumentException>(() => image.BlobsForPlatform("linux/s390x"));
    }

    [Fact]
    public void SingleManifest_BlobsForPlatform_IsEveryBlob()
    {
        var image = Build("oci", seed: 13);

        Assert.Equal(["linux/amd64"], image.Platforms);
        Assert.Equal(image.Blobs, image.BlobsForPlatform("linux/amd64"));
    }

    [Theory]
    [InlineData("oci")]
    [InlineData("docker")]
    [InlineData("multi")]
    public void Config_DiffIds_AreDigestsOfTheUncompressedLayers(string kind)
    {
        var image = Build(kind, seed: 17);

        foreach (var manifestBlob in ManifestsOf(image))
        {
            var manifest = Parse(manifestBlob);
            var config = Parse(Resolve(image, manifest.GetProperty("config")));
            var layers = manifest.GetProperty("layers").EnumerateArray().Select(d => Resolve(image, d)).ToList();
            var diffIds = config.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()).ToList();

            Assert.Equal("layers", config.GetProperty("rootfs").GetProperty("type").GetString());
            Assert.Equal("linux", config.GetProperty("os").GetString());
            Assert.Equal(layers.Select(l => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Decompress(l.Bytes)))), diffIds);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(65_535)]
    [InlineData(200_001)]
    public void Layer_IsAGzipTarWithOneFileOfTheRequestedSize(int size)
    {
        var image = TestImageBuilder.Oci("docker.io/library/app:v1", 21, size);
        var layer = image.Blobs[^1];

        using var tar = new TarReader(new MemoryStream(Decompress(layer.Bytes)));
        var entry = tar.GetNextEntry();

        Assert.NotNull(entry);
        Assert.Equal("layer0.bin", entry.Name);
        Assert.Equal(TarEntryType.RegularFile, entry.EntryType);
        Assert.Equal(size, entry.Length);
        Assert.Equal(0, entry.Uid);
        Assert.Null(tar.GetNextEntry());
    }

    [Fact]
    public void Layer_OfManyMegabytes_IsBuiltWithTheExactSize()
    {
        const int size = 32 * 1024 * 1024;

        var image = TestImageBuilder.Docker("docker.io/library/big:v1", 23, size);

        var uncompressed = Decompress(image.Blobs[^1].Bytes);
        Assert.InRange(image.Blobs[^1].Size, size, size + (size / 1000));
        Assert.Equal(512 + size + 1024, uncompressed.Length);
    }

    [Theory]
    [InlineData("app:v1")]
    [InlineData("docker.io/library/app")]
    [InlineData("docker.io/library/app@sha256:0123")]
    public void Build_NameWithoutRegistryOrTag_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => TestImageBuilder.Oci(name, 1, 10));
    }

    [Fact]
    public void Name_IsSplitIntoRegistryRepositoryAndTag()
    {
        var image = TestImageBuilder.Oci("127.0.0.1:5000/team/app:v1.2", 1, 10);

        Assert.Equal("127.0.0.1:5000", image.Registry);
        Assert.Equal("team/app", image.Repository);
        Assert.Equal("v1.2", image.Tag);
    }

    private static TestImage Build(string kind, int seed) => kind switch
    {
        "oci" => TestImageBuilder.Oci("docker.io/library/app:v1", seed, 10, 70_000, 3),
        "docker" => TestImageBuilder.Docker("docker.io/library/app:v1", seed, 10, 70_000, 3),
        _ => TestImageBuilder.MultiArch("docker.io/library/app:v1", seed, TwoPlatforms, 10, 70_000, 3),
    };

    private static List<TestBlob> ManifestsOf(TestImage image) =>
        image.Target.MediaType == TestMediaTypes.OciIndex
            ? Parse(image.Target).GetProperty("manifests").EnumerateArray().Select(d => Resolve(image, d)).ToList()
            : [image.Target];

    private static List<string> LayerDigests(TestImage image) =>
        Parse(image.Target).GetProperty("layers").EnumerateArray().Select(d => d.GetProperty("digest").GetString()!).ToList();

    private static TestBlob Resolve(TestImage image, JsonElement descriptor)
    {
        var blob = Assert.Single(image.Blobs, b => b.Digest == descriptor.GetProperty("digest").GetString());
        Assert.Equal(blob.Size, descriptor.GetProperty("size").GetInt64());
        Assert.Equal(blob.MediaType, descriptor.GetProperty("mediaType").GetString());
        return blob;
    }

    private static JsonElement Parse(TestBlob blob)
    {
        using var document = JsonDocument.Parse(blob.Bytes);
        return document.RootElement.Clone();
    }

    private static byte[] Decompress(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
