namespace Spegel.Silo.Tests.MirrorConfiguration;

/// <summary>Every folder and file (with its bytes and permission bits) under a root, for exact before/after comparisons.</summary>
internal sealed record FolderSnapshot(IReadOnlyList<string> Entries)
{
    public static FolderSnapshot Take(string root)
    {
        if (!Directory.Exists(root))
        {
            return new FolderSnapshot(["<missing>"]);
        }

        var entries = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => Describe(root, path))
            .ToList();
        return new FolderSnapshot(entries);
    }

    public bool Equals(FolderSnapshot? other) => other is not null && Entries.SequenceEqual(other.Entries, StringComparer.Ordinal);

    public override int GetHashCode() => Entries.Count;

    public override string ToString() => string.Join(Environment.NewLine, Entries);

    private static string Describe(string root, string path)
    {
        var relative = Path.GetRelativePath(root, path);
        if (Directory.Exists(path))
        {
            return $"{relative}/";
        }

        var mode = OperatingSystem.IsWindows() ? "" : File.GetUnixFileMode(path).ToString();
        return $"{relative} [{mode}] {Convert.ToHexString(File.ReadAllBytes(path))}";
    }
}
