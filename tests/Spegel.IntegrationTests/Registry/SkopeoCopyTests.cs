using System.Security.Cryptography;
using System.Text.Json;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Containerd;

namespace Spegel.IntegrationTests.Registry;

/// <summary>skopeo, a real OCI client, copies images out of a running node; every byte must match the source.</summary>
public sealed class SkopeoCopyTests(OciLayoutNodeFixture fixture) : IClassFixture<OciLayoutNodeFixture>
{
    public static TheoryData<string> SinglePlatformImages() => ["app", "dock"];

    [Theory]
    [MemberData(nameof(SinglePlatformImages))]
    public async Task SkopeoCopy_SinglePlatformImage_IsByteIdentical(string which)
    {
        var image = which == "app" ? fixture.App : fixture.Docker;
        var destination = Directory.CreateTempSubdirectory("spegel-skopeo-").FullName;
        try
        {
            await CopyAsync(image, destination, all: false);

            AssertCopied(destination, image, image.Blobs);
        }
        finally
        {
            Directory.Delete(destination, recursive: true);
        }
    }

    [Fact]
    public async Task SkopeoCopyAll_MultiArchIndex_IsByteIdentical()
    {
        var destination = Directory.CreateTempSubdirectory("spegel-skopeo-").FullName;
        try
        {
            await CopyAsync(fixture.Multi, destination, all: true);

            AssertCopied(destination, fixture.Multi, fixture.Multi.Blobs);
        }
        finally
        {
            Directory.Delete(destination, recursive: true);
        }
    }

    [Fact]
    public async Task SkopeoInspect_UnknownTag_FailsWithManifestUnknown()
    {
        var result = await ProcessRunner.RunAsync("skopeo",
            ["--insecure-policy", "inspect", "--raw", "--tls-verify=false", $"docker://127.0.0.1:{fixture.Node.RegistryPort}/library/app:nope"],
            TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("manifest unknown", result.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    private async Task CopyAsync(TestImage image, string destination, bool all)
    {
        var source = $"docker://127.0.0.1:{fixture.Node.RegistryPort}/{image.Repository}:{image.Tag}";
        var arguments = new List<string> { "--insecure-policy", "copy", "--src-tls-verify=false", "--preserve-digests" };
        if (all)
        {
            arguments.Add("--all");
        }

        arguments.AddRange([source, $"oci:{destination}:{image.Tag}"]);
        var result = await ProcessRunner.RunAsync("skopeo", arguments, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, $"skopeo copy {source} failed:\n{result.StandardError}\nnode output:\n{fixture.Node.Output}");
    }

    private static void AssertCopied(string destination, TestImage image, IReadOnlyList<TestBlob> expected)
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(destination, "index.json")));
        var target = index.RootElement.GetProperty("manifests")[0];
        Assert.Equal(image.Target.Digest, target.GetProperty("digest").GetString());
        Assert.Equal(image.Target.MediaType, target.GetProperty("mediaType").GetString());
        var copied = Directory.GetFiles(Path.Combine(destination, "blobs", "sha256"));
        Assert.Equal(expected.Select(blob => blob.Hex).Order(), copied.Select(Path.GetFileName).Order());
        foreach (var blob in expected)
        {
            var bytes = File.ReadAllBytes(Path.Combine(destination, "blobs", "sha256", blob.Hex));
            Assert.Equal(blob.Bytes.Length, bytes.Length);
            Assert.Equal(blob.Hex, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.True(blob.Bytes.AsSpan().SequenceEqual(bytes), $"{blob.Digest} differs from the source");
        }
    }
}
