using System.Text;

namespace Spegel.TestSupport.Images;

/// <summary>
/// Generates images deterministically: the same arguments give byte-identical blobs on every run and machine.
/// </summary>
/// <remarks>
/// Each layer is a gzip-compressed tar holding one file, <c>layerN.bin</c> (N is the layer's position), of exactly the
/// requested number of pseudo-random bytes. The bytes depend on the seed, the platform and N only: the image name is
/// not an input, so one image can be built under several names with equal digests, and a single-platform OCI image
/// equals the <c>linux/amd64</c> manifest of a multi-platform image with the same seed and sizes. Use different seeds
/// for images that must not share blobs. Layers are stored without compression (see <see cref="StoredGzipBuilder"/>),
/// so a 64 MB layer costs about 64 MB of memory and a few tens of milliseconds.
/// </remarks>
public static class TestImageBuilder
{
    /// <summary>The platform of single-manifest images.</summary>
    public const string DefaultPlatform = "linux/amd64";

    /// <summary>An image with one OCI manifest for <c>linux/amd64</c>, one layer per entry of <paramref name="layerSizes"/>.</summary>
    /// <exception cref="ArgumentException">The name is not <c>registry/repository:tag</c>, or a size is negative.</exception>
    public static TestImage Oci(string name, int seed, params int[] layerSizes) =>
        Single(name, seed, ImageFormat.Oci, layerSizes);

    /// <summary>An image with one Docker schema 2 manifest for <c>linux/amd64</c>, one layer per entry of <paramref name="layerSizes"/>.</summary>
    /// <exception cref="ArgumentException">The name is not <c>registry/repository:tag</c>, or a size is negative.</exception>
    public static TestImage Docker(string name, int seed, params int[] layerSizes) =>
        Single(name, seed, ImageFormat.Docker, layerSizes);

    /// <summary>
    /// An OCI image index over one OCI manifest per platform, in the order given; each platform has its own layers
    /// of the given sizes.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The name is not <c>registry/repository:tag</c>, a platform is not <c>os/architecture[/variant]</c> or appears
    /// twice, there is no platform, or a size is negative.
    /// </exception>
    public static TestImage MultiArch(string name, int seed, IReadOnlyList<string> platforms, params int[] layerSizes)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        if (platforms.Count == 0 || platforms.Distinct(StringComparer.Ordinal).Count() != platforms.Count)
        {
            throw new ArgumentException("Give at least one platform, each once.", nameof(platforms));
        }

        var built = platforms.Select(p => BuildManifest(seed, ImagePlatform.Parse(p), ImageFormat.Oci, layerSizes)).ToList();
        var index = ImageJson.Index(built.Select(m => (m.Manifest, m.Platform)).ToList());

        var blobsByPlatform = new Dictionary<string, IReadOnlyList<TestBlob>>(StringComparer.Ordinal);
        for (var i = 0; i < platforms.Count; i++)
        {
            blobsByPlatform[platforms[i]] = Distinct([index, .. built[i].Blobs]);
        }

        var blobs = Distinct([index, .. built.SelectMany(m => m.Blobs)]);
        return new TestImage(name, index, blobs, blobsByPlatform, [.. platforms]);
    }

    private static TestImage Single(string name, int seed, ImageFormat format, int[] layerSizes)
    {
        var built = BuildManifest(seed, ImagePlatform.Parse(DefaultPlatform), format, layerSizes);
        var blobs = Distinct(built.Blobs);
        var blobsByPlatform = new Dictionary<string, IReadOnlyList<TestBlob>>(StringComparer.Ordinal) { [DefaultPlatform] = blobs };
        return new TestImage(name, built.Manifest, blobs, blobsByPlatform, [DefaultPlatform]);
    }

    private static BuiltManifest BuildManifest(int seed, ImagePlatform platform, ImageFormat format, int[] layerSizes)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);

        var layers = new List<TestBlob>(layerSizes.Length);
        var diffIds = new List<string>(layerSizes.Length);
        for (var i = 0; i < layerSizes.Length; i++)
        {
            var (gzip, diffId) = LayerBuilder.Build($"layer{i}.bin", layerSizes[i], ContentSeed(seed, platform, i));
            layers.Add(new TestBlob(ImageJson.Digest(gzip), format.Layer, gzip));
            diffIds.Add(diffId);
        }

        var config = ImageJson.Config(format.Config, platform, diffIds);
        var manifest = ImageJson.Manifest(format.Manifest, config, layers);
        return new BuiltManifest(manifest, platform, [manifest, config, .. layers]);
    }

    /// <summary>Mixes seed, platform and layer position into the seed of one layer's content.</summary>
    private static ulong ContentSeed(int seed, ImagePlatform platform, int layerIndex)
    {
        // FNV-1a, because string.GetHashCode is randomised per process.
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(platform.ToString()))
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return SplitMix64.Mix(SplitMix64.Mix((ulong)(uint)seed) ^ hash) + (ulong)layerIndex;
    }

    private static List<TestBlob> Distinct(IEnumerable<TestBlob> blobs) => blobs.DistinctBy(b => b.Digest, StringComparer.Ordinal).ToList();

    private sealed record BuiltManifest(TestBlob Manifest, ImagePlatform Platform, IReadOnlyList<TestBlob> Blobs);
}
