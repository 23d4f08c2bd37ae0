using Microsoft.Extensions.Logging;
using Spegel.Silo.MirrorConfiguration;
using Tomlyn;
using Tomlyn.Model;

namespace Spegel.Silo.Tests.MirrorConfiguration;

public sealed class MirrorConfiguratorTests : IDisposable
{
    private const string Mirror = "http://127.0.0.1:5000";
    private const string OriginalDockerHub = """
        # Pull Docker Hub through the company proxy.
        server = "https://registry-1.docker.io"

        [host."https://proxy.corp.example"]
          capabilities = ["pull", "resolve"]
          skip_verify = true

        [host."https://backup.corp.example"]
          capabilities = ["pull"]
        """;

    private readonly TemporaryFolder _folder = new();
    private readonly RecordingLogger<MirrorConfigurator> _logger = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Configure_EmptyFolder_WritesCanonicalFileAndReportsIt()
    {
        var configurator = new MirrorConfigurator(_logger);

        var result = await configurator.ConfigureAsync(Request([Mirror], ["docker.io"]), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal([_folder.Combine("docker.io", "hosts.toml")], result.ChangedFiles);
        Assert.Equal(
            "# Written by spegel configure; spegel cleanup restores what was here before.\n\n"
            + "server = \"https://registry-1.docker.io\"\n\n"
            + "[host.\"http://127.0.0.1:5000\"]\n"
            + "capabilities = [\"pull\", \"resolve\"]\n"
            + "dial_timeout = \"200ms\"\n",
            _folder.ReadFile("docker.io/hosts.toml"));
    }

    [Fact]
    public async Task Configure_NoRegistries_WritesDefaultWithoutServer()
    {
        var configurator = new MirrorConfigurator(_logger);

        var result = await configurator.ConfigureAsync(Request([Mirror], []), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        var written = ReadToml("_default/hosts.toml");
        Assert.False(written.ContainsKey("server"));
        Assert.Equal([Mirror], ((TomlTable)written["host"]).Keys);
    }

    [Fact]
    public async Task Configure_SeveralRegistriesAndTargets_WritesEachRegistryWithTargetsInOrder()
    {
        var configurator = new MirrorConfigurator(_logger);
        string[] targets = ["http://10.0.0.7:5000", Mirror, "https://mirror.example"];
        string[] registries = ["docker.io", "ghcr.io", "127.0.0.1:5001", "_default"];

        var result = await configurator.ConfigureAsync(Request(targets, registries), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(registries.Select(r => _folder.Combine(r, "hosts.toml")), result.ChangedFiles);
        foreach (var registry in registries)
        {
            var written = ReadToml($"{registry}/hosts.toml");
            Assert.Equal(HostsToml.UpstreamServer(registry), written.TryGetValue("server", out var server) ? server : null);
            Assert.Equal(targets, ((TomlTable)written["host"]).Keys);
        }
    }

    [Theory]
    [InlineData(true, new[] { "pull", "resolve" })]
    [InlineData(false, new[] { "pull" })]
    public async Task Configure_ResolveTags_ChoosesCapabilities(bool resolveTags, string[] capabilities)
    {
        var configurator = new MirrorConfigurator(_logger);
        var request = Request([Mirror, "http://10.0.0.7:5000"], ["docker.io"]) with { ResolveTags = resolveTags };

        await configurator.ConfigureAsync(request, TestContext.Current.CancellationToken);

        foreach (var (_, host) in (TomlTable)ReadToml("docker.io/hosts.toml")["host"])
        {
            Assert.Equal(capabilities, ((TomlArray)((TomlTable)host)["capabilities"]).Cast<string>());
            Assert.Equal("200ms", ((TomlTable)host)["dial_timeout"]);
        }
    }

    [Fact]
    public async Task Configure_ExistingFile_BacksItUpAndReplacesIt()
    {
        _folder.WriteFile("docker.io/hosts.toml", OriginalDockerHub);
        var configurator = new MirrorConfigurator(_logger);

        var result = await configurator.ConfigureAsync(Request([Mirror], ["docker.io"]), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(OriginalDockerHub, _folder.ReadFile("_spegel-backup/docker.io/hosts.toml"));
        Assert.Equal([Mirror], ((TomlTable)ReadToml("docker.io/hosts.toml")["host"]).Keys);
    }

    [Fact]
    public async Task Configure_PrependExisting_ExistingHostsFollowOursWithTheirSettings()
    {
        _folder.WriteFile("docker.io/hosts.toml", OriginalDockerHub.Replace("registry-1.docker.io", "hub.corp.example", StringComparison.Ordinal));
        var configurator = new MirrorConfigurator(_logger);
        var request = Request([Mirror, "http://10.0.0.7:5000"], ["docker.io"]) with { PrependExisting = true };

        var result = await configurator.ConfigureAsync(request, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        var written = ReadToml("docker.io/hosts.toml");
        var hosts = (TomlTable)written["host"];
        Assert.Equal("https://hub.corp.example", written["server"]);
        Assert.Equal([Mirror, "http://10.0.0.7:5000", "https://proxy.corp.example", "https://backup.corp.example"], hosts.Keys);
        Assert.Equal(true, ((TomlTable)hosts["https://proxy.corp.example"])["skip_verify"]);
        Assert.Equal(new object[] { "pull" }, (TomlArray)((TomlTable)hosts["https://backup.corp.example"])["capabilities"]);
    }

    [Fact]
    public async Task Configure_PrependWithoutExistingFile_WritesOnlyOurHosts()
    {
        var configurator = new MirrorConfigurator(_logger);
        var request = Request([Mirror], ["ghcr.io"]) with { PrependExisting = true };

        await configurator.ConfigureAsync(request, TestContext.Current.CancellationToken);

        var written = ReadToml("ghcr.io/hosts.toml");
        Assert.Equal("https://ghcr.io", written["server"]);
        Assert.Equal([Mirror], ((TomlTable)written["host"]).Keys);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Configure_Twice_ChangesNothingTheSecondTime(bool prependExisting)
    {
        _folder.WriteFile("docker.io/hosts.toml", OriginalDockerHub);
        var configurator = new MirrorConfigurator(_logger);
        var request = Request([Mirror], ["docker.io", "ghcr.io"]) with { PrependExisting = prependExisting };
        await configurator.ConfigureAsync(request, TestContext.Current.CancellationToken);
        var afterFirst = FolderSnapshot.Take(_folder.Path);

        var second = await configurator.ConfigureAsync(request, TestContext.Current.CancellationToken);

        Assert.True(second.Succeeded, second.Error);
        Assert.Empty(second.ChangedFiles);
        Assert.Equal(afterFirst, FolderSnapshot.Take(_folder.Path));
        Assert.Equal(OriginalDockerHub, _folder.ReadFile("_spegel-backup/docker.io/hosts.toml"));
    }

    [Fact]
    public async Task Configure_AgainWithOtherTargets_KeepsTheFirstBackup()
    {
        _folder.WriteFile("docker.io/hosts.toml", OriginalDockerHub);
        var configurator = new MirrorConfigurator(_logger);
        var request = Request([Mirror], ["docker.io"]) with { PrependExisting = true };
        await configurator.ConfigureAsync(request, TestContext.Current.CancellationToken);

        var result = await configurator.ConfigureAsync(request with { MirrorTargets = ["http://10.0.0.7:5000"] }, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(OriginalDockerHub, _folder.ReadFile("_spegel-backup/docker.io/hosts.toml"));
        Assert.Equal(
            ["http://10.0.0.7:5000", "https://proxy.corp.example", "https://backup.corp.example"],
            ((TomlTable)ReadToml("docker.io/hosts.toml")["host"]).Keys);
    }

    [Fact]
    public async Task Configure_RegistryDroppedFromRequest_RestoresIt()
    {
        _folder.WriteFile("docker.io/hosts.toml", OriginalDockerHub);
        var configurator = new MirrorConfigurator(_logger);
        await configurator.ConfigureAsync(Request([Mirror], ["docker.io", "ghcr.io"]), TestContext.Current.CancellationToken);

        var result = await configurator.ConfigureAsync(Request([Mirror], ["ghcr.io"]), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal([_folder.Combine("docker.io", "hosts.toml")], result.ChangedFiles);
        Assert.Equal(OriginalDockerHub, _folder.ReadFile("docker.io/hosts.toml"));
        Assert.False(Directory.Exists(_folder.Combine("_spegel-backup", "docker.io")));
        Assert.True(File.Exists(_folder.Combine("ghcr.io", "hosts.toml")));
    }

    [Theory]
    [InlineData("server = \"https://registry-1.docker.io\"\n[host.\"https://proxy.corp.example\"\ncapabilities = [\"pull\"]\n", "line 2")]
    [InlineData("server = \"https://registry-1.docker.io\"\n\n\nserver = \"https://hub.corp.example\"\n", "line 4")]
    [InlineData("host = \"https://proxy.corp.example\"\n", "'host'")]
    public async Task Configure_MalformedExistingFile_FailsNamingFileAndChangesNothing(string contents, string where)
    {
        _folder.WriteFile("ghcr.io/hosts.toml", "server = \"https://ghcr.io\"\n");
        _folder.WriteFile("docker.io/hosts.toml", contents);
        var before = FolderSnapshot.Take(_folder.Path);
        var configurator = new MirrorConfigurator(_logger);

        var result = await configurator.ConfigureAsync(Request([Mirror], ["ghcr.io", "docker.io", "quay.io"]), TestContext.Current.CancellationToken);

        Assert.Equal(MirrorConfigurationOutcome.MalformedConfiguration, result.Outcome);
        Assert.StartsWith($"{_folder.Combine("docker.io", "hosts.toml")}: {where}", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.ChangedFiles);
        Assert.Equal(before, FolderSnapshot.Take(_folder.Path));
    }

    [Theory]
    [InlineData("127.0.0.1:5000", "docker.io")]
    [InlineData("ftp://127.0.0.1:5000", "docker.io")]
    [InlineData(Mirror, "docker.io/library")]
    [InlineData(Mirror, "https://docker.io")]
    public async Task Configure_InvalidRequest_IsRejectedBeforeTouchingDisk(string target, string registry)
    {
        _folder.WriteFile("docker.io/hosts.toml", OriginalDockerHub);
        var before = FolderSnapshot.Take(_folder.Path);
        var configurator = new MirrorConfigurator(_logger);

        var result = await configurator.ConfigureAsync(Request([target], [registry]), TestContext.Current.CancellationToken);

        Assert.Equal(MirrorConfigurationOutcome.InvalidRequest, result.Outcome);
        Assert.NotNull(result.Error);
        Assert.Equal(before, FolderSnapshot.Take(_folder.Path));
    }

    [Fact]
    public async Task Configure_CorruptBackupManifest_FailsAndChangesNothing()
    {
        _folder.WriteFile("_spegel-backup/manifest.json", "{ \"version\": 1, \"entries\": [");
        var before = FolderSnapshot.Take(_folder.Path);
        var configurator = new MirrorConfigurator(_logger);

        var result = await configurator.ConfigureAsync(Request([Mirror], ["docker.io"]), TestContext.Current.CancellationToken);

        Assert.Equal(MirrorConfigurationOutcome.MalformedBackup, result.Outcome);
        Assert.Contains("manifest.json", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, FolderSnapshot.Take(_folder.Path));
    }

    [Fact]
    public async Task Configure_WritesFiles_LeavesNoTemporaryFiles()
    {
        _folder.WriteFile("docker.io/hosts.toml", OriginalDockerHub);
        var configurator = new MirrorConfigurator(_logger);

        await configurator.ConfigureAsync(Request([Mirror], ["docker.io", "ghcr.io"]), TestContext.Current.CancellationToken);

        var files = Directory.EnumerateFiles(_folder.Path, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(_folder.Path, path))
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            ["_spegel-backup/docker.io/hosts.toml", "_spegel-backup/manifest.json", "docker.io/hosts.toml", "ghcr.io/hosts.toml"],
            files);
    }

    [Fact]
    public async Task Configure_WritesFile_LogsAtInformationWithStableEventId()
    {
        var configurator = new MirrorConfigurator(_logger);

        await configurator.ConfigureAsync(Request([Mirror], ["docker.io"]), TestContext.Current.CancellationToken);

        var written = Assert.Single(_logger.Events, e => e.EventId.Id == MirrorConfigurationEventIds.HostsFileWritten);
        Assert.Equal(LogLevel.Information, written.Level);
        Assert.Equal(nameof(MirrorConfigurationEventIds.HostsFileWritten), written.EventId.Name);
        Assert.Contains(_folder.Combine("docker.io", "hosts.toml"), written.Message, StringComparison.Ordinal);
    }

    private MirrorConfigurationRequest Request(string[] targets, string[] registries) => new(_folder.Path, targets, registries);

    private TomlTable ReadToml(string relativePath) => TomlSerializer.Deserialize<TomlTable>(_folder.ReadFile(relativePath))!;
}
