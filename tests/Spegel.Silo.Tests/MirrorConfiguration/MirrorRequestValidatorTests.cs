using Spegel.Silo.MirrorConfiguration;

namespace Spegel.Silo.Tests.MirrorConfiguration;

public sealed class MirrorRequestValidatorTests
{
    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:5000")]
    [InlineData("localhost")]
    [InlineData("/v2/")]
    [InlineData("ftp://127.0.0.1:5000")]
    [InlineData("unix:///run/spegel.sock")]
    [InlineData("http://user:secret@127.0.0.1:5000")]
    [InlineData("http://127.0.0.1:5000/v2")]
    [InlineData("http://127.0.0.1:5000?ns=docker.io")]
    [InlineData("http://127.0.0.1:5000#top")]
    [InlineData("http:// 127.0.0.1:5000")]
    [InlineData(" http://127.0.0.1:5000")]
    public void TryNormalize_InvalidTarget_FailsNamingTheTarget(string target)
    {
        var request = Request([target], ["docker.io"]);

        var valid = MirrorRequestValidator.TryNormalize(request, out var normalized, out var error);

        Assert.False(valid);
        Assert.Null(normalized);
        Assert.Contains($"'{target}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" docker.io")]
    [InlineData("docker.io/library")]
    [InlineData("https://docker.io")]
    [InlineData("docker.io:port")]
    [InlineData("..")]
    [InlineData("_backup")]
    [InlineData("_spegel-backup")]
    [InlineData("my_registry.example")]
    [InlineData("-registry.example")]
    public void TryNormalize_InvalidRegistry_FailsNamingTheRegistry(string registry)
    {
        var request = Request(["http://127.0.0.1:5000"], [registry]);

        var valid = MirrorRequestValidator.TryNormalize(request, out _, out var error);

        Assert.False(valid);
        Assert.Contains($"'{registry}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docker.io")]
    [InlineData("ghcr.io")]
    [InlineData("127.0.0.1:5001")]
    [InlineData("registry.example:443")]
    [InlineData("[::1]:5001")]
    [InlineData("_default")]
    public void TryNormalize_ValidRegistry_KeepsItAsGiven(string registry)
    {
        var request = Request(["http://127.0.0.1:5000"], [registry]);

        var valid = MirrorRequestValidator.TryNormalize(request, out var normalized, out _);

        Assert.True(valid);
        Assert.Equal([registry], normalized!.MirroredRegistries);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000")]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5000")]
    [InlineData("HTTP://Node-1.Example:5000", "http://node-1.example:5000")]
    [InlineData("https://mirror.example:443/", "https://mirror.example")]
    [InlineData("http://[fd00::1]:5000", "http://[fd00::1]:5000")]
    public void TryNormalize_ValidTarget_KeepsOnlyTheAuthority(string target, string expected)
    {
        var request = Request([target], ["docker.io"]);

        var valid = MirrorRequestValidator.TryNormalize(request, out var normalized, out _);

        Assert.True(valid);
        Assert.Equal([expected], normalized!.MirrorTargets);
    }

    [Fact]
    public void TryNormalize_NoRegistries_MirrorsDefault()
    {
        var request = Request(["http://127.0.0.1:5000"], []);

        MirrorRequestValidator.TryNormalize(request, out var normalized, out _);

        Assert.Equal(["_default"], normalized!.MirroredRegistries);
    }

    [Fact]
    public void TryNormalize_NoTargets_Fails()
    {
        var request = Request([], ["docker.io"]);

        var valid = MirrorRequestValidator.TryNormalize(request, out _, out var error);

        Assert.False(valid);
        Assert.Contains("target", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("http://127.0.0.1:80", "http://127.0.0.1")]
    public void TryNormalize_SameTargetTwice_Fails(string first, string second)
    {
        var request = Request([first, second], ["docker.io"]);

        var valid = MirrorRequestValidator.TryNormalize(request, out _, out var error);

        Assert.False(valid);
        Assert.Contains("twice", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docker.io", "docker.io")]
    [InlineData("docker.io", "Docker.IO")]
    [InlineData("_default", "_default")]
    public void TryNormalize_SameRegistryTwice_Fails(string first, string second)
    {
        var request = Request(["http://127.0.0.1:5000"], [first, second]);

        var valid = MirrorRequestValidator.TryNormalize(request, out _, out var error);

        Assert.False(valid);
        Assert.Contains("twice", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void TryNormalizeConfigPath_Blank_Fails(string path)
    {
        var valid = MirrorRequestValidator.TryNormalizeConfigPath(path, out _, out var error);

        Assert.False(valid);
        Assert.NotNull(error);
    }

    [Fact]
    public void TryNormalizeConfigPath_ExistingFile_Fails()
    {
        using var folder = new TemporaryFolder();
        folder.WriteFile("certs.d", "not a folder");

        var valid = MirrorRequestValidator.TryNormalizeConfigPath(folder.Combine("certs.d"), out _, out var error);

        Assert.False(valid);
        Assert.Contains("is a file", error, StringComparison.Ordinal);
    }

    private static MirrorConfigurationRequest Request(string[] targets, string[] registries) =>
        new("/etc/containerd/certs.d", targets, registries);
}
