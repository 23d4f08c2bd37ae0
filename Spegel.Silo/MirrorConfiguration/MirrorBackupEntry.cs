namespace Spegel.Silo.MirrorConfiguration;

/// <summary>What one registry's folder held before the first configure touched it.</summary>
/// <param name="Registry">The registry folder name, e.g. <c>docker.io</c> or <c>_default</c>.</param>
/// <param name="HadHostsFile">
/// Whether a <c>hosts.toml</c> was there; if so, its exact bytes are kept in the backup folder under the same relative
/// path.
/// </param>
/// <param name="HadFolder">
/// Whether the registry folder existed; if not, cleanup removes it once it is empty again.
/// </param>
internal sealed record MirrorBackupEntry(string Registry, bool HadHostsFile, bool HadFolder);
