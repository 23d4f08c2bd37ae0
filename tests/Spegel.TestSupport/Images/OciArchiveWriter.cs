namespace Spegel.TestSupport.Images;

/// <summary>
/// Writes images as a tar of an OCI image layout, which <c>ctr images import</c> accepts (naming each image by its
/// <c>io.containerd.image.name</c> annotation) and skopeo reads as an <c>oci-archive:</c>.
/// </summary>
public static class OciArchiveWriter
{
    private const int RegularFileMode = 0x1A4; // 0644
    private const int DirectoryMode = 0x1ED; // 0755

    /// <summary>
    /// Writes the layout described at <see cref="OciLayoutWriter.Write"/> as an uncompressed tar at <paramref name="tarPath"/>,
    /// replacing any file there. The archive's bytes, too, depend only on the images.
    /// </summary>
    /// <exception cref="ArgumentException">No image was given.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Write(string tarPath, params TestImage[] images)
    {
        ArgumentException.ThrowIfNullOrEmpty(tarPath);
        var files = OciLayout.Files(images);

        using var stream = new FileStream(tarPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        WriteDirectory(stream, "blobs/");
        WriteDirectory(stream, OciLayout.BlobFolder + "/");
        foreach (var (path, bytes) in files)
        {
            WriteFile(stream, path, bytes);
        }

        stream.Write(new byte[TarHeader.TrailerSize]);
    }

    private static void WriteDirectory(Stream stream, string name)
    {
        Span<byte> header = stackalloc byte[TarHeader.BlockSize];
        TarHeader.Write(header, name, 0, TarHeader.Directory, DirectoryMode);
        stream.Write(header);
    }

    private static void WriteFile(Stream stream, string name, byte[] bytes)
    {
        Span<byte> header = stackalloc byte[TarHeader.BlockSize];
        TarHeader.Write(header, name, bytes.Length, TarHeader.RegularFile, RegularFileMode);
        stream.Write(header);
        stream.Write(bytes);

        header.Clear();
        stream.Write(header[..TarHeader.PaddingFor(bytes.Length)]);
    }
}
