using Tomlyn.Model;

namespace Spegel.Silo.MirrorConfiguration;

/// <summary>
/// Points containerd at the local mirror by writing <c>&lt;config&gt;/&lt;registry&gt;/hosts.toml</c>, and undoes it.
/// </summary>
/// <remarks>
/// Invariants that make configure repeatable and cleanup exact:
/// <list type="bullet">
/// <item>
/// Every file is read and checked before anything is written, so a bad request or a malformed file changes nothing.
/// </item>
/// <item>What was there is saved (the backup copy and the manifest entry) before the first <c>hosts.toml</c> is
/// replaced, and a registry already in the manifest is never backed up again: the file on disk is then our own.</item>
/// <item>The rendered file depends only on the request and the original file, so a second configure finds every file
/// already as wanted and writes nothing.</item>
/// <item>Every write replaces the file atomically; containerd never reads half a file.</item>
/// </list>
/// See <see cref="MirrorConfigurationLayout"/> for the files involved. Two runs at the same time on one config path
/// are not coordinated; the DaemonSet runs configure once per node start and cleanup once per stop.
/// </remarks>
/// <param name="logger">Receives an Information event for every file written, restored or removed.</param>
internal sealed partial class MirrorConfigurator(ILogger<MirrorConfigurator> logger)
{
    /// <summary>
    /// Writes the mirror configuration described by <paramref name="request"/>. Registries configured by an earlier run
    /// but missing from this request are restored as cleanup would.
    /// </summary>
    /// <remarks>
    /// 1. Validate the request. 2. Read the manifest of an earlier run. 3. Read and parse each registry's original file
    /// (the backup copy if the registry is already in the manifest) and render the wanted file. 4. Save new originals
    /// and the manifest. 5. Write every <c>hosts.toml</c> whose bytes differ. 6. Restore registries no longer
    /// requested.
    /// </remarks>
    /// <returns>
    /// A success listing the <c>hosts.toml</c> files written; or a failure with the reason: an invalid request or a
    /// malformed file or backup (nothing written), or a file system error (the backup still lets cleanup restore).
    /// Cancellation throws <see cref="OperationCanceledException"/>, also leaving a backup that cleanup can restore.
    /// </returns>
    public async Task<MirrorConfigurationResult> ConfigureAsync(
        MirrorConfigurationRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // 1.
        if (!MirrorRequestValidator.TryNormalize(request, out var normalized, out var invalid))
        {
            return MirrorConfigurationResult.Failure(MirrorConfigurationOutcome.InvalidRequest, invalid);
        }

        var layout = new MirrorConfigurationLayout(normalized.ConfigPath);
        var changed = new List<string>();
        try
        {
            // 2.
            var (manifest, manifestError) = await ReadManifestAsync(layout, cancellationToken);
            if (manifestError is not null)
            {
                return MirrorConfigurationResult.Failure(MirrorConfigurationOutcome.MalformedBackup, manifestError);
            }

            // 3.
            var plans = new List<RegistryPlan>(normalized.MirroredRegistries.Count);
            foreach (var registry in normalized.MirroredRegistries)
            {
                var recorded = manifest?.Entries.FirstOrDefault(entry => entry.Registry == registry);
                var (plan, error) = await PlanAsync(layout, normalized, registry, recorded, cancellationToken);
                if (plan is null)
                {
                    return MirrorConfigurationResult.Failure(MirrorConfigurationOutcome.MalformedConfiguration, error!);
                }

                plans.Add(plan);
            }

            // 4.
            var createdConfigFolder = manifest?.CreatedConfigFolder ?? !Directory.Exists(layout.ConfigPath);
            await BackUpAsync(layout, plans, cancellationToken);
            var entries = (manifest?.Entries ?? []).Concat(plans.Where(static p => p.IsNew).Select(static p => p.Entry))
                .ToList();
            await WriteManifestAsync(
                layout, new(MirrorBackupManifest.CurrentVersion, createdConfigFolder, entries), cancellationToken);

            // 5.
            foreach (var plan in plans)
            {
                await WriteHostsFileAsync(layout, plan, changed, cancellationToken);
            }

            // 6.
            var stale = entries.Where(
                entry => !normalized.MirroredRegistries.Contains(entry.Registry, StringComparer.Ordinal)).ToList();
            foreach (var entry in stale)
            {
                await RestoreAsync(layout, entry, changed, cancellationToken);
            }

            if (stale.Count > 0)
            {
                await WriteManifestAsync(
                    layout, new(MirrorBackupManifest.CurrentVersion, createdConfigFolder, [.. entries.Except(stale)]),
                    cancellationToken);
                stale.ForEach(entry => DeleteBackupCopy(layout, entry));
            }

            return MirrorConfigurationResult.Success(changed);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return MirrorConfigurationResult.Failure(
                MirrorConfigurationOutcome.FileSystemError, exception.Message, changed);
        }
    }

    /// <summary>
    /// Restores what configure found under <paramref name="configPath"/>: original files byte for byte (with their
    /// permission bits), files and folders configure created removed, and the backup folder removed. Without a backup
    /// there is nothing to restore and the call succeeds without changing anything.
    /// </summary>
    /// <returns>
    /// A success listing the <c>hosts.toml</c> files restored or removed; or a failure: an invalid path, a malformed
    /// backup (nothing changed), or a file system error (the backup stays, so cleanup can be run again).
    /// </returns>
    public async Task<MirrorConfigurationResult> CleanupAsync(string configPath, CancellationToken cancellationToken)
    {
        if (!MirrorRequestValidator.TryNormalizeConfigPath(configPath, out var fullPath, out var invalid))
        {
            return MirrorConfigurationResult.Failure(MirrorConfigurationOutcome.InvalidRequest, invalid);
        }

        var layout = new MirrorConfigurationLayout(fullPath);
        var changed = new List<string>();
        try
        {
            if (!Directory.Exists(layout.BackupFolder))
            {
                LogInformationNothingToRestore(logger, layout.ConfigPath);
                return MirrorConfigurationResult.Success(changed);
            }

            var (manifest, manifestError) = await ReadManifestAsync(layout, cancellationToken);
            if (manifestError is not null)
            {
                return MirrorConfigurationResult.Failure(MirrorConfigurationOutcome.MalformedBackup, manifestError);
            }

            // A backup folder without a manifest is left by a configure that stopped before the manifest was written,
            // which is before any hosts.toml was touched: there is nothing to restore, only the folder to remove.
            foreach (var entry in manifest?.Entries ?? [])
            {
                await RestoreAsync(layout, entry, changed, cancellationToken);
            }

            Directory.Delete(layout.BackupFolder, recursive: true);
            if (manifest?.CreatedConfigFolder == true && IsEmptyFolder(layout.ConfigPath))
            {
                Directory.Delete(layout.ConfigPath);
            }

            return MirrorConfigurationResult.Success(changed);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return MirrorConfigurationResult.Failure(
                MirrorConfigurationOutcome.FileSystemError, exception.Message, changed);
        }
    }

    private static async Task<(RegistryPlan? Plan, string? Error)> PlanAsync(
        MirrorConfigurationLayout layout,
        MirrorConfigurationRequest request,
        string registry,
        MirrorBackupEntry? recorded,
        CancellationToken cancellationToken)
    {
        var hostsPath = layout.HostsFile(registry);
        var entry = recorded ?? new MirrorBackupEntry(
            registry, File.Exists(hostsPath), Directory.Exists(layout.RegistryFolder(registry)));
        var source = recorded is null ? hostsPath : layout.BackupHostsFile(registry);

        byte[]? original = null;
        TomlTable? existing = null;
        if (entry.HadHostsFile)
        {
            original = await File.ReadAllBytesAsync(source, cancellationToken);
            if (!HostsToml.TryParse(source, original, out existing, out var error))
            {
                return (null, error);
            }
        }

        var text = HostsToml.Render(
            registry, request.MirrorTargets, request.ResolveTags, request.PrependExisting ? existing : null);
        var plan = new RegistryPlan(
            entry, recorded is null, original, original is null ? null : AtomicFile.GetMode(source),
            HostsToml.Encode(text));
        return (plan, null);
    }

    private async Task BackUpAsync(
        MirrorConfigurationLayout layout,
        List<RegistryPlan> plans,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.BackupFolder);
        foreach (var plan in plans)
        {
            if (!plan.IsNew || plan.Original is null)
            {
                continue;
            }

            var path = layout.HostsFile(plan.Entry.Registry);
            var backup = layout.BackupHostsFile(plan.Entry.Registry);
            Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
            await AtomicFile.WriteAsync(backup, plan.Original, plan.OriginalMode, cancellationToken);
            LogInformationHostsFileBackedUp(logger, path, backup);
        }
    }

    private async Task WriteHostsFileAsync(
        MirrorConfigurationLayout layout,
        RegistryPlan plan,
        List<string> changed,
        CancellationToken cancellationToken)
    {
        var path = layout.HostsFile(plan.Entry.Registry);
        if (await HasContentsAsync(path, plan.Desired, cancellationToken))
        {
            LogDebugHostsFileUnchanged(logger, path);
            return;
        }

        Directory.CreateDirectory(layout.RegistryFolder(plan.Entry.Registry));
        await AtomicFile.WriteAsync(path, plan.Desired, mode: null, cancellationToken);
        changed.Add(path);
        LogInformationHostsFileWritten(logger, plan.Entry.Registry, path);
    }

    private async Task RestoreAsync(
        MirrorConfigurationLayout layout,
        MirrorBackupEntry entry,
        List<string> changed,
        CancellationToken cancellationToken)
    {
        var path = layout.HostsFile(entry.Registry);
        if (entry.HadHostsFile)
        {
            var backup = layout.BackupHostsFile(entry.Registry);
            var original = await File.ReadAllBytesAsync(backup, cancellationToken);
            Directory.CreateDirectory(layout.RegistryFolder(entry.Registry));
            await AtomicFile.WriteAsync(path, original, AtomicFile.GetMode(backup), cancellationToken);
            changed.Add(path);
            LogInformationHostsFileRestored(logger, path);
            return;
        }

        if (File.Exists(path))
        {
            File.Delete(path);
            changed.Add(path);
            LogInformationHostsFileRemoved(logger, path);
        }

        // Only an empty folder goes: anything else in it (certificates, say) was put there by someone else.
        var folder = layout.RegistryFolder(entry.Registry);
        if (!entry.HadFolder && IsEmptyFolder(folder))
        {
            Directory.Delete(folder);
        }
    }

    private static void DeleteBackupCopy(MirrorConfigurationLayout layout, MirrorBackupEntry entry)
    {
        var backup = layout.BackupHostsFile(entry.Registry);
        File.Delete(backup);
        var folder = Path.GetDirectoryName(backup)!;
        if (IsEmptyFolder(folder))
        {
            Directory.Delete(folder);
        }
    }

    private static async Task WriteManifestAsync(
        MirrorConfigurationLayout layout,
        MirrorBackupManifest manifest,
        CancellationToken cancellationToken)
    {
        var bytes = JsonSerializerBytes(manifest);
        if (!await HasContentsAsync(layout.ManifestPath, bytes, cancellationToken))
        {
            await AtomicFile.WriteAsync(layout.ManifestPath, bytes, mode: null, cancellationToken);
        }

        static byte[] JsonSerializerBytes(MirrorBackupManifest manifest) =>
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
                manifest, MirrorBackupJsonContext.Default.MirrorBackupManifest);
    }

    private static async Task<bool> HasContentsAsync(
        string path,
        byte[] contents,
        CancellationToken cancellationToken) =>
        File.Exists(path) && (await File.ReadAllBytesAsync(path, cancellationToken)).AsSpan().SequenceEqual(contents);

    private static bool IsEmptyFolder(string path) =>
        Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any();

    /// <summary>What one registry's folder should become, and what to save before it does.</summary>
    /// <param name="Entry">The manifest entry: recorded by an earlier run, or new.</param>
    /// <param name="IsNew">
    /// Whether this run is the first to take the registry over, and so must save its original.
    /// </param>
    /// <param name="Original">The bytes of the original <c>hosts.toml</c>, if there was one.</param>
    /// <param name="OriginalMode">The original's permission bits, kept with the backup copy.</param>
    /// <param name="Desired">The bytes to write.</param>
    private sealed record RegistryPlan(
        MirrorBackupEntry Entry, bool IsNew, byte[]? Original, UnixFileMode? OriginalMode, byte[] Desired);
}
