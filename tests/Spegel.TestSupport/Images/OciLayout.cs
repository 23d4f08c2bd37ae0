namespace Spegel.TestSupport.Images;

/// <summary>The files of an OCI image layout holding some images, shared by the folder and the archive writers.</summary>
internal static class OciLayout
{
    /// <summary>The folder, relative to the layout root, that holds sha256 blobs.</summary>
    public const string BlobFolder = "blobs/sha256";

    /// <summary>The name of the layout marker file.</summary>
    public const string MarkerFile = "oci-layout";

    /// <summary>The name of the layout's index.</summary>
    public const string IndexFile = "index.json";

    /// <summary>
    /// The layout's files, relative to its root: the marker, the index, then each distinct blob once, in the order
    /// the images list them.
    /// </summary>
    /// <exception cref="ArgumentException">No image was given.</exception>
    public static IEnumerable<(string Path, byte[] Bytes)> Files(IReadOnlyList<TestImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("Give at least one image.", nameof(images));
        }

        return Enumerate();

        IEnumerable<(string Path, byte[] Bytes)> Enumerate()
        {
            yield return (MarkerFile, ImageJson.LayoutMarker());
            yield return (IndexFile, ImageJson.LayoutIndex(images));
            foreach (var blob in images.SelectMany(i => i.Blobs).DistinctBy(b => b.Digest, StringComparer.Ordinal))
            {
                yield return ($"{BlobFolder}/{blob.Hex}", blob.Bytes);
            }
        }
    }
}
