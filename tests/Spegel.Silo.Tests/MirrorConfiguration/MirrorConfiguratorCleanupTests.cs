using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Spegel.Silo.MirrorConfiguration;

namespace Spegel.Silo.Tests.MirrorConfiguration;

public sealed class MirrorConfiguratorCleanupTests : IDisposable
{
    private const string Mirror = "http://127.0.0.1:5000";

    private readonly TemporaryFolder _folder = new();
    private readonly RecordingLogger<MirrorConfigurator> _logger = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, string[], bool> Fixtures => new()
    {
        { "empty", ["docker.io"], false },
        { "empty", [], false },
        { "dockerhub", ["docker.io"], false },
        { "dockerhub", ["docker.io"], true },
        { "default", [], true },
        { "mixed", ["docker.io", "ghcr.io", "127.0.0.1:5001", "_default"], false },
        { "mixed", ["docker.io", "ghcr.io", "127.0.0.1:5001", "_default"], true },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task ConfigureThenCleanup_Fixture_RestoresFolderExactly(string fixture, string[] registries, bool prependExisting)
    {
        Arrange(fixture);
        var before = FolderSnapshot.Take(_folder.Path);
        var configurator = new MirrorConfigurator(_logger);
        var request = new MirrorConfigurationRequest(_folder.Path, [Mirror, "http://10.0.0.7:5000"], registries, PrependExisting: prependExisting);
        var configured = await configurator.ConfigureAsync(request, TestContext.Current.CancellationToken);
        Assert.True(configured.Succeeded, configured.Error);
        Assert.NotEqual(before, FolderSnapshot.Take(_folder.Path));

        var result = await configurator.CleanupAsync(_folder.Path, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(before, FolderSnapshot.Take(_folder.Path));
    }

    [Fact]
    public async Task Cleanup_AfterConfigure_ReportsRestoredAndRemovedFiles()
    {
        Arrange("dockerhub");
        var configurator = new MirrorConfigurator(_logger);
        await configurator.ConfigureAsync(new(_folder.Path, [Mirror], ["docker.io", "ghcr.io"]), TestContext.Current.CancellationToken);
        _logger.Events.Clear();

        var result = await configurator.CleanupAsync(_folder.Path, TestContext.Current.CancellationToken);

        Assert.Equal([_folder.Combine("docker.io", "hosts.toml"), _folder.Combine("ghcr.io", "hosts.toml")], result.ChangedFiles);
        Assert.Equal(
            [(LogLevel.Information, MirrorConfigurationEventIds.HostsFileRestored), (LogLevel.Information, MirrorConfigurationEventIds.HostsFileRemoved)],
            _logger.Events.Select(e => (e.Level, e.EventId.Id)));
    }

    [Fact]
    public async Task Cleanup_ConfigPathCreatedByConfigure_RemovesIt()
    {
        var configPath = _folder.Combine("certs.d");
        var configurator = new MirrorConfigurator(_logger);
        await configurator.ConfigureAsync(new(configPath, [Mirror], ["docker.io"]), TestContext.Current.CancellationToken);
        Assert.True(File.Exists(Path.Combine(configPath, "docker.io", "hosts.toml")));

        var result = await configurator.CleanupAsync(configPath, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.False(Directory.Exists(configPath));
    }

    [Fact]
    public async Task Cleanup_FileAddedToCreatedFolderMeanwhile_KeepsFolderAndFile()
    {
        var configurator = new MirrorConfigurator(_logger);
        await configurator.ConfigureAsync(new(_folder.Path, [Mirror], ["ghcr.io"]), TestContext.Current.CancellationToken);
        _folder.WriteFile("ghcr.io/ca.crt", "certificate");

        var result = await configurator.CleanupAsync(_folder.Path, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.False(File.Exists(_folder.Combine("ghcr.io", "hosts.toml")));
        Assert.Equal("certificate", _folder.ReadFile("ghcr.io/ca.crt"));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Cleanup_OriginalWithRestrictivePermissions_RestoresThem()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix permission bits only.");
        }

        Arrange("dockerhub");
        var original = _folder.Combine("docker.io", "hosts.toml");
        File.SetUnixFileMode(original, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var before = FolderSnapshot.Take(_folder.Path);
        var configurator = new MirrorConfigurator(_logger);
        await configurator.ConfigureAsync(new(_folder.Path, [Mirror], ["docker.io"]), TestContext.Current.CancellationToken);

        await configurator.CleanupAsync(_folder.Path, TestContext.Current.CancellationToken);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(original));
        Assert.Equal(before, FolderSnapshot.Take(_folder.Path));
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("dockerhub")]
    [InlineData("mixed")]
    public async Task Cleanup_NothingConfigured_SucceedsWithoutChanges(string fixture)
    {
        Arrange(fixture);
        var before = FolderSnapshot.Take(_folder.Path);
        var configurator = new MirrorConfigurator(_logger);

        var result = await configurator.CleanupAsync(_folder.Path, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.Empty(result.ChangedFiles);
        Assert.Equal(before, FolderSnapshot.Take(_folder.Path));
    }

    [Fact]
    public async Task Cleanup_ConfigPathMissing_SucceedsWithoutCreatingIt()
    {
        var configPath = _folder.Combine("missing");
        var configurator = new MirrorConfigurator(_logger);

        var result = await configurator.CleanupAsync(configPath, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.False(Directory.Exists(configPath));
    }

    [Fact]
    public async Task Cleanup_Twice_SecondIsNoOp()
    {
        Arrange("mixed");
        var before = FolderSnapshot.Take(_folder.Path);
        var configurator = new MirrorConfigurator(_logger);
        await configurator.ConfigureAsync(new(_folder.Path, [Mirror], ["docker.io"]), TestContext.Current.CancellationToken);
        await configurator.CleanupAsync(_folder.Path, TestContext.Current.CancellationToken);

        var second = await configurator.CleanupAsync(_folder.Path, TestContext.Current.CancellationToken);

        Assert.True(second.Succeeded, second.Error);
        Assert.Empty(second.ChangedFiles);
        Assert.Equal(before, FolderSnapshot.Take(_folder.Path));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{ \"version\": 7, \"createdConfigFolder\": false, \"entries\": [] }")]
    [InlineData("{ \"version\": 1, \"createdConfigFolder\": false, \"entries\": [ { \"registry\": \"../../etc\", \"hadHostsFile\": false, \"hadFolder\": false } ] }")]
    [InlineData("{ \"version\": 1, \"createdConfigFolder\": false, \"entries\": [ { \"registry\": \"docker.io\", \"hadHostsFile\": true, \"hadFolder\": true } ] }")]
    public async Task Cleanup_UnusableManifest_FailsAndChangesNothing(string manifest)
    {
        Arrange("dockerhub");
        _folder.WriteFile("_spegel-backup/manifest.json", manifest);
        var before = FolderSnapshot.Take(_folder.Path);
        var configurator = new MirrorConfigurator(_logger);

        var result = await configurator.CleanupAsync(_folder.Path, TestContext.Current.CancellationToken);

        Assert.Equal(MirrorConfigurationOutcome.MalformedBackup, result.Outcome);
        Assert.NotNull(result.Error);
        Assert.Equal(before, FolderSnapshot.Take(_folder.Path));
    }

    [Fact]
    public async Task Cleanup_BackupFolderWithoutManifest_RemovesOnlyTheBackupFolder()
    {
        Arrange("dockerhub");
        var before = FolderSnapshot.Take(_folder.Path);
        _folder.WriteFile("_spegel-backup/docker.io/hosts.toml", "server = \"https://registry-1.docker.io\"\n");
        var configurator = new MirrorConfigurator(_logger);

        var result = await configurator.CleanupAsync(_folder.Path, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.Empty(result.ChangedFiles);
        Assert.Equal(before, FolderSnapshot.Take(_folder.Path));
    }

    // Fixtures as a node might have them: nothing, a customised Docker Hub file, a _default file, or a mix with a
    // registry folder that holds only certificates.
    private void Arrange(string fixture)
    {
        switch (fixture)
        {
            case "empty":
                break;
            case "dockerhub":
                _folder.WriteFile("docker.io/hosts.toml", "server = \"https://registry-1.docker.io\"\n\n[host.\"https://proxy.corp.example\"]\n  capabilities = [\"pull\", \"resolve\"]\n");
                break;
            case "default":
                _folder.WriteFile("_default/hosts.toml", "# all registries\n[host.\"https://proxy.corp.example\"]\ncapabilities = [\"pull\"]\n");
                break;
            case "mixed":
                _folder.WriteFile("docker.io/hosts.toml", "server = 'https://registry-1.docker.io'   # literal strings\r\n");
                _folder.WriteFile("ghcr.io/ca.crt", "certificate");
                _folder.WriteFile("quay.io/hosts.toml", "server = \"https://quay.io\"\n");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fixture), fixture, null);
        }
    }
}
