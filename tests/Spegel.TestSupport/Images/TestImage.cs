namespace Spegel.TestSupport.Images;

/// <summary>
/// A generated image: its name, the blob the name points at (an index or a manifest) and every blob it is made of.
/// Build one with <see cref="TestImageBuilder"/>.
/// </summary>
public sealed class TestImage
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<TestBlob>> _blobsByPlatform;

    internal TestImage(
        string name,
        TestBlob target,
        IReadOnlyList<TestBlob> blobs,
        IReadOnlyDictionary<string, IReadOnlyList<TestBlob>> blobsByPlatform,
        IReadOnlyList<string> platforms)
    {
        (Registry, Repository, Tag) = ParseName(name);
        Name = name;
        Target = target;
        Blobs = blobs;
        Platforms = platforms;
        _blobsByPlatform = blobsByPlatform;
    }

    /// <summary>The full reference, e.g. <c>docker.io/library/app:v1</c>.</summary>
    public string Name { get; }

    /// <summary>The registry part of <see cref="Name"/>, e.g. <c>docker.io</c>.</summary>
    public string Registry { get; }

    /// <summary>The repository part of <see cref="Name"/>, e.g. <c>library/app</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag part of <see cref="Name"/>, e.g. <c>v1</c>.</summary>
    public string Tag { get; }

    /// <summary>What the name points at: an image index for a multi-platform image, otherwise a manifest.</summary>
    public TestBlob Target { get; }

    /// <summary>Every blob of the image, each once, the target first: index, then per platform manifest, config, layers.</summary>
    public IReadOnlyList<TestBlob> Blobs { get; }

    /// <summary>The platforms the image has a manifest for, e.g. <c>linux/amd64</c>; one entry for a single manifest.</summary>
    public IReadOnlyList<string> Platforms { get; }

    /// <summary>
    /// The blobs a node pulling <paramref name="platform"/> ends up with: the index, that platform's manifest, config
    /// and layers. For a single-manifest image these are all blobs, whatever the platform.
    /// </summary>
    /// <exception cref="ArgumentException">A multi-platform image has no manifest for <paramref name="platform"/>.</exception>
    public IReadOnlyList<TestBlob> BlobsForPlatform(string platform)
    {
        if (Target.MediaType != TestMediaTypes.OciIndex)
        {
            return Blobs;
        }

        return _blobsByPlatform.TryGetValue(platform, out var blobs)
            ? blobs
            : throw new ArgumentException(
                $"Image {Name} has no manifest for '{platform}'; it has {string.Join(", ", Platforms)}.", nameof(platform));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}@{Target.Digest}";

    /// <summary>Splits <c>registry/repository:tag</c>; a digest suffix and a missing tag are not supported.</summary>
    private static (string Registry, string Repository, string Tag) ParseName(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var colon = name.LastIndexOf(':');
        if (slash <= 0 || colon < slash || colon == name.Length - 1 || name.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Image name '{name}' must be a full reference registry/repository:tag, e.g. docker.io/library/app:v1.",
                nameof(name));
        }

        return (name[..slash], name[(slash + 1)..colon], name[(colon + 1)..]);
    }
}
