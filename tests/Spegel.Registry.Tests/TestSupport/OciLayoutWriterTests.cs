using System.Formats.Tar;
using System.Text.Json;
using Spegel.TestSupport.Images;

namespace Spegel.Registry.Tests.TestSupport;

public sealed class OciLayoutWriterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spegel-layout-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Write_Layout_IndexNamesEveryImageAndBlobsHoldTheirBytes()
    {
        var app = TestImageBuilder.Oci("docker.io/library/app:v1", 1, 100, 200);
        var multi = TestImageBuilder.MultiArch("ghcr.io/team/multi:2.0", 2, ["linux/amd64", "linux/arm64"], 300);
        var layout = Path.Combine(_directory, "layout");

        OciLayoutWriter.Write(layout, app, multi);

        Assert.Equal("1.0.0", ReadJson(Path.Combine(layout, "oci-layout")).GetProperty("imageLayoutVersion").GetString());
        AssertIndex(ReadJson(Path.Combine(layout, "index.json")), app, multi);
        foreach (var blob in app.Blobs.Concat(multi.Blobs))
        {
            Assert.Equal(blob.Bytes, File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", blob.Digest["sha256:".Length..])));
        }

        Assert.Equal(app.Blobs.Count + multi.Blobs.Count, Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).Length);
    }

    [Fact]
    public void Write_Archive_HoldsLayoutMarkerIndexAndEveryBlobOnce()
    {
        var app = TestImageBuilder.Docker("docker.io/library/app:v1", 1, 100, 200);
        var same = TestImageBuilder.Docker("docker.io/library/app:latest", 1, 100, 200);
        var tarPath = Path.Combine(_directory, "images.tar");

        OciArchiveWriter.Write(tarPath, app, same);

        var files = ReadTar(tarPath);
        Assert.Equal("1.0.0", JsonDocument.Parse(files["oci-layout"]).RootElement.GetProperty("imageLayoutVersion").GetString());
        AssertIndex(JsonDocument.Parse(files["index.json"]).RootElement, app, same);
        foreach (var blob in app.Blobs)
        {
            Assert.Equal(blob.Bytes, files["blobs/sha256/" + blob.Digest["sha256:".Length..]]);
        }

        Assert.Equal(2 + app.Blobs.Count, files.Count);
    }

    [Fact]
    public void Write_ArchiveTwice_GivesIdenticalFiles()
    {
        var image = TestImageBuilder.Oci("docker.io/library/app:v1", 4, 1000);
        var first = Path.Combine(_directory, "first.tar");
        var second = Path.Combine(_directory, "second.tar");

        OciArchiveWriter.Write(first, image);
        OciArchiveWriter.Write(second, TestImageBuilder.Oci("docker.io/library/app:v1", 4, 1000));

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    private static void AssertIndex(JsonElement index, params TestImage[] images)
    {
        Assert.Equal(2, index.GetProperty("schemaVersion").GetInt32());
        var entries = index.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(images.Length, entries.Count);
        for (var i = 0; i < images.Length; i++)
        {
            Assert.Equal(images[i].Target.Digest, entries[i].GetProperty("digest").GetString());
            Assert.Equal(images[i].Target.Size, entries[i].GetProperty("size").GetInt64());
            Assert.Equal(images[i].Target.MediaType, entries[i].GetProperty("mediaType").GetString());
            var annotations = entries[i].GetProperty("annotations");
            Assert.Equal(images[i].Name, annotations.GetProperty("io.containerd.image.name").GetString());
            Assert.Equal(images[i].Tag, annotations.GetProperty("org.opencontainers.image.ref.name").GetString());
        }
    }

    private static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;

    private static Dictionary<string, byte[]> ReadTar(string path)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(File.OpenRead(path));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType == TarEntryType.Directory)
            {
                continue;
            }

            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            Assert.True(files.TryAdd(entry.Name, data.ToArray()), $"{entry.Name} appears twice");
        }

        return files;
    }
}
