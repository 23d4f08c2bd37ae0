namespace Spegel.TestSupport.Images;

/// <summary>Writes images as an OCI image layout folder, e.g. for a registry or skopeo to serve from.</summary>
public static class OciLayoutWriter
{
    /// <summary>
    /// Writes <c>oci-layout</c>, <c>index.json</c> and <c>blobs/sha256/&lt;hex&gt;</c> into <paramref name="directory"/>,
    /// creating it if needed and overwriting files of the same names. <c>index.json</c> has one descriptor per image,
    /// annotated with <c>io.containerd.image.name</c> (the full name) and <c>org.opencontainers.image.ref.name</c> (the tag).
    /// </summary>
    /// <exception cref="ArgumentException">No image was given.</exception>
    /// <exception cref="IOException">A file could not be written.</exception>
    public static void Write(string directory, params TestImage[] images)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var files = OciLayout.Files(images);

        Directory.CreateDirectory(Path.Combine(directory, OciLayout.BlobFolder));
        foreach (var (path, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(directory, path), bytes);
        }
    }
}
