namespace Spegel.Silo.MirrorConfiguration;

/// <summary>
/// Replaces files so that a reader (containerd reads <c>hosts.toml</c> on every pull) sees either the old or the new
/// contents, never a mix: the bytes go to a temporary file in the same folder, reach the disk, and are renamed over
/// the target, which POSIX makes atomic within one file system.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="contents"/> to <paramref name="path"/>, whose folder must exist, with the permission bits
    /// <paramref name="mode"/> when given. Throws <see cref="IOException"/> or
    /// <see cref="UnauthorizedAccessException"/>
    /// when the file system refuses; the temporary file is removed then, and the target is left as it was.
    /// </summary>
    public static async Task WriteAsync(
        string path,
        ReadOnlyMemory<byte> contents,
        UnixFileMode? mode,
        CancellationToken cancellationToken)
    {
        // The name starts with a dot and ends in .tmp: containerd only reads hosts.toml and certificate files
        // (*.crt, *.cert, *.key) from a registry folder, so it never picks the temporary file up.
        var folder = Path.GetDirectoryName(path)
            ?? throw new ArgumentException("The path has no folder.", nameof(path));
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(
                temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true);
            await using (stream)
            {
                await stream.WriteAsync(contents, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            if (mode is { } bits && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, bits);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            // After a successful move the temporary name no longer exists; otherwise it must not be left behind.
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// The permission bits of <paramref name="path"/>, or <see langword="null"/> where they do not exist.
    /// </summary>
    public static UnixFileMode? GetMode(string path) => OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path);
}
