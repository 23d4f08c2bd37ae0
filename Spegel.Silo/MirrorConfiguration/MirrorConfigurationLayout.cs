namespace Spegel.Silo.MirrorConfiguration;

/// <summary>
/// Where everything lives under containerd's registry config path:
/// <code>
/// &lt;config&gt;/&lt;registry&gt;/hosts.toml                    what containerd reads
/// &lt;config&gt;/_spegel-backup/manifest.json            what configure found and created (see MirrorBackupManifest)
/// &lt;config&gt;/_spegel-backup/&lt;registry&gt;/hosts.toml     the exact bytes of a hosts.toml that was there before
/// </code>
/// The backup folder cannot be mistaken for a registry: a host name has no underscore, and <c>_default</c> is the
/// only underscore name containerd gives a meaning to.
/// </summary>
/// <param name="configPath">The full config path.</param>
internal sealed class MirrorConfigurationLayout(string configPath)
{
    /// <summary>The name of the folder that holds the backup and its manifest.</summary>
    public const string BackupFolderName = "_spegel-backup";

    /// <summary>The file containerd reads in each registry folder.</summary>
    public const string HostsFileName = "hosts.toml";

    /// <summary>The config path itself.</summary>
    public string ConfigPath { get; } = configPath;

    /// <summary>The backup folder.</summary>
    public string BackupFolder => Path.Combine(ConfigPath, BackupFolderName);

    /// <summary>The manifest inside the backup folder.</summary>
    public string ManifestPath => Path.Combine(BackupFolder, "manifest.json");

    /// <summary>The folder containerd looks in for <paramref name="registry"/>.</summary>
    public string RegistryFolder(string registry) => Path.Combine(ConfigPath, registry);

    /// <summary>The <c>hosts.toml</c> containerd reads for <paramref name="registry"/>.</summary>
    public string HostsFile(string registry) => Path.Combine(ConfigPath, registry, HostsFileName);

    /// <summary>Where the original <c>hosts.toml</c> of <paramref name="registry"/> is kept.</summary>
    public string BackupHostsFile(string registry) => Path.Combine(BackupFolder, registry, HostsFileName);
}
