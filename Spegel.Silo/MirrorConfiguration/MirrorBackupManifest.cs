namespace Spegel.Silo.MirrorConfiguration;

/// <summary>
/// The record that lets cleanup undo configure exactly. It is written before any <c>hosts.toml</c> is changed and is
/// never rewritten for a registry it already lists, so the first backup of a file is the one that is restored.
/// </summary>
/// <param name="Version">The manifest format; 1 is the only one.</param>
/// <param name="CreatedConfigFolder">
/// Whether configure created the config path itself; cleanup then removes it if empty.
/// </param>
/// <param name="Entries">
/// One entry per registry folder configure has taken over, in the order they were first configured.
/// </param>
internal sealed record MirrorBackupManifest(
    int Version, bool CreatedConfigFolder, IReadOnlyList<MirrorBackupEntry> Entries)
{
    /// <summary>The only manifest format so far.</summary>
    public const int CurrentVersion = 1;
}
