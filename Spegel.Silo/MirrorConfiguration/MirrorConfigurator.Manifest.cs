using System.Text.Json;

namespace Spegel.Silo.MirrorConfiguration;

internal sealed partial class MirrorConfigurator
{
    // Reads the manifest and checks that it can be acted on: a known version, registry names that are folder names
    // configure could have written (so a tampered manifest cannot send cleanup outside the config path), and a backup
    // copy for every original file. Returns (null, null) when there is no manifest.
    private static async Task<(MirrorBackupManifest? Manifest, string? Error)> ReadManifestAsync(
        MirrorConfigurationLayout layout,
        CancellationToken cancellationToken)
    {
        if (!File.Exists(layout.ManifestPath))
        {
            return (null, null);
        }

        MirrorBackupManifest? manifest;
        try
        {
            var bytes = await File.ReadAllBytesAsync(layout.ManifestPath, cancellationToken);
            manifest = JsonSerializer.Deserialize(bytes, MirrorBackupJsonContext.Default.MirrorBackupManifest);
        }
        catch (JsonException exception)
        {
            return (null, $"{layout.ManifestPath}: the backup manifest cannot be read: {exception.Message}");
        }

        if (manifest is null || manifest.Version != MirrorBackupManifest.CurrentVersion)
        {
            return (null, $"{layout.ManifestPath}: the backup manifest has an unknown format.");
        }

        foreach (var entry in manifest.Entries)
        {
            if (!MirrorRequestValidator.IsValidRegistry(entry.Registry))
            {
                return (null,
                    $"{layout.ManifestPath}: the backup manifest names an invalid registry '{entry.Registry}'.");
            }

            if (entry.HadHostsFile && !File.Exists(layout.BackupHostsFile(entry.Registry)))
            {
                return (null, $"{layout.BackupHostsFile(entry.Registry)}: the backup copy is missing.");
            }
        }

        return (manifest, null);
    }
}
