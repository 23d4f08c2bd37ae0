using System.Text;
using Spegel.Silo.MirrorConfiguration;
using Tomlyn;
using Tomlyn.Model;

namespace Spegel.Silo.Tests.MirrorConfiguration;

public sealed class HostsTomlTests
{
    private const string Path = "/etc/containerd/certs.d/docker.io/hosts.toml";

    [Fact]
    public void Render_DockerHubOneTarget_WritesCanonicalFile()
    {
        const string expected = """
            # Written by spegel configure; spegel cleanup restores what was here before.

            server = "https://registry-1.docker.io"

            [host."http://127.0.0.1:5000"]
            capabilities = ["pull", "resolve"]
            dial_timeout = "200ms"

            """;

        var text = HostsToml.Render("docker.io", ["http://127.0.0.1:5000"], resolveTags: true, existing: null);

        Assert.Equal(expected.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Render_DefaultWithoutTagResolution_WritesNoServerAndPullOnly()
    {
        const string expected = """
            # Written by spegel configure; spegel cleanup restores what was here before.

            [host."http://10.0.0.7:5000"]
            capabilities = ["pull"]
            dial_timeout = "200ms"

            [host."http://127.0.0.1:5000"]
            capabilities = ["pull"]
            dial_timeout = "200ms"

            """;

        var text = HostsToml.Render("_default", ["http://10.0.0.7:5000", "http://127.0.0.1:5000"], resolveTags: false, existing: null);

        Assert.Equal(expected.ReplaceLineEndings("\n"), text);
    }

    [Theory]
    [InlineData("docker.io", "https://registry-1.docker.io")]
    [InlineData("ghcr.io", "https://ghcr.io")]
    [InlineData("registry-1.docker.io", "https://registry-1.docker.io")]
    [InlineData("127.0.0.1:5001", "https://127.0.0.1:5001")]
    [InlineData("[::1]:5001", "https://[::1]:5001")]
    [InlineData("_default", null)]
    public void UpstreamServer_Registry_MapsToItsApiHost(string registry, string? expected)
    {
        var server = HostsToml.UpstreamServer(registry);

        Assert.Equal(expected, server);
    }

    [Fact]
    public void Render_PrependExisting_KeepsServerSettingsAndHostsAfterOurs()
    {
        var existing = Parse("""
            server = "https://mirror.corp.example"
            capabilities = ["pull", "resolve"]

            [host."https://b.corp.example"]
            capabilities = ["pull"]
            skip_verify = true
            [host."https://b.corp.example".header]
            x-team = ["platform"]

            [host."https://a.corp.example"]
            override_path = true
            """);

        var text = HostsToml.Render("docker.io", ["http://127.0.0.1:5000", "http://10.0.0.7:5000"], resolveTags: true, existing);

        var written = TomlSerializer.Deserialize<TomlTable>(text)!;
        var hosts = (TomlTable)written["host"];
        Assert.Equal("https://mirror.corp.example", written["server"]);
        Assert.Equal(new object[] { "pull", "resolve" }, (TomlArray)written["capabilities"]);
        Assert.Equal(
            ["http://127.0.0.1:5000", "http://10.0.0.7:5000", "https://b.corp.example", "https://a.corp.example"],
            hosts.Keys);
        var kept = (TomlTable)hosts["https://b.corp.example"];
        Assert.Equal(true, kept["skip_verify"]);
        Assert.Equal(new object[] { "pull" }, (TomlArray)kept["capabilities"]);
        Assert.Equal(new object[] { "platform" }, (TomlArray)((TomlTable)kept["header"])["x-team"]);
        Assert.Equal(true, ((TomlTable)hosts["https://a.corp.example"])["override_path"]);
    }

    [Fact]
    public void Render_PrependExistingWithoutServer_UsesUpstream()
    {
        var existing = Parse("""
            [host."https://a.corp.example"]
            capabilities = ["pull"]
            """);

        var text = HostsToml.Render("ghcr.io", ["http://127.0.0.1:5000"], resolveTags: true, existing);

        var written = TomlSerializer.Deserialize<TomlTable>(text)!;
        Assert.Equal("https://ghcr.io", written["server"]);
        Assert.Equal(["http://127.0.0.1:5000", "https://a.corp.example"], ((TomlTable)written["host"]).Keys);
    }

    [Fact]
    public void Render_PrependExistingListingOurTarget_KeepsOurSettingsOnce()
    {
        var existing = Parse("""
            [host."http://127.0.0.1:5000"]
            capabilities = ["pull", "resolve", "push"]

            [host."https://a.corp.example"]
            capabilities = ["pull"]
            """);

        var text = HostsToml.Render("docker.io", ["http://127.0.0.1:5000"], resolveTags: false, existing);

        var hosts = (TomlTable)TomlSerializer.Deserialize<TomlTable>(text)!["host"];
        Assert.Equal(["http://127.0.0.1:5000", "https://a.corp.example"], hosts.Keys);
        Assert.Equal(new object[] { "pull" }, (TomlArray)((TomlTable)hosts["http://127.0.0.1:5000"])["capabilities"]);
    }

    [Fact]
    public void Render_TargetNeedingEscapes_ReadsBackAsTheSameKey()
    {
        // Validation only lets authorities through, but rendering must not depend on that to stay well-formed.
        const string target = "http://odd\"host\\name";

        var text = HostsToml.Render("_default", [target], resolveTags: true, existing: null);

        var hosts = (TomlTable)TomlSerializer.Deserialize<TomlTable>(text)!["host"];
        Assert.Equal([target], hosts.Keys);
    }

    [Theory]
    [InlineData("server = \"https://a.example\"\n[host.\"https://b.example\"\ncapabilities = [\"pull\"]\n", 2)]
    [InlineData("server = \"https://a.example\"\n\n[host.\"https://b.example\"]\ncapabilities = [\"pull\"\n", 5)]
    [InlineData("server = \"https://a.example\"\nserver = \"https://b.example\"\n", 2)]
    [InlineData("[host.\"https://b.example\"]\nskip_verify = true\n\n[host.\"https://b.example\"]\nskip_verify = false\n", 4)]
    [InlineData("server = https://a.example\n", 1)]
    public void TryParse_SyntaxError_FailsNamingFileAndLine(string contents, int line)
    {
        var valid = HostsToml.TryParse(Path, Encoding.UTF8.GetBytes(contents), out var document, out var error);

        Assert.False(valid);
        Assert.Null(document);
        Assert.StartsWith($"{Path}: line {line},", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("server = 5000\n", "'server'")]
    [InlineData("host = \"https://b.example\"\n", "'host'")]
    [InlineData("[host]\ncapabilities = [\"pull\"]\n", "'host'")]
    public void TryParse_WrongShape_FailsNamingFileAndKey(string contents, string key)
    {
        var valid = HostsToml.TryParse(Path, Encoding.UTF8.GetBytes(contents), out _, out var error);

        Assert.False(valid);
        Assert.StartsWith($"{Path}: {key}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NotUtf8_FailsNamingFile()
    {
        byte[] contents = [(byte)'a', (byte)' ', (byte)'=', (byte)' ', (byte)'"', 0xFF, 0xFE, (byte)'"'];

        var valid = HostsToml.TryParse(Path, contents, out _, out var error);

        Assert.False(valid);
        Assert.StartsWith(Path, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("\uFEFFserver = \"https://a.example\"\n")]
    [InlineData("server = \"https://a.example\"\r\n[host.\"https://b.example\"]\r\ncapabilities = [\"pull\"]\r\n")]
    public void TryParse_ValidFile_Succeeds(string contents)
    {
        var valid = HostsToml.TryParse(Path, Encoding.UTF8.GetBytes(contents), out var document, out var error);

        Assert.True(valid, error);
        Assert.NotNull(document);
    }

    private static TomlTable Parse(string text)
    {
        Assert.True(HostsToml.TryParse(Path, Encoding.UTF8.GetBytes(text), out var document, out var error), error);
        return document;
    }
}
