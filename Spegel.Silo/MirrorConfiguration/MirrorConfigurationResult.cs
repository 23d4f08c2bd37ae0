namespace Spegel.Silo.MirrorConfiguration;

/// <summary>
/// The result of <see cref="MirrorConfigurator.ConfigureAsync"/> or <see cref="MirrorConfigurator.CleanupAsync"/>.
/// </summary>
/// <param name="Outcome">How the run ended.</param>
/// <param name="ChangedFiles">
/// Full paths of the <c>hosts.toml</c> files this run wrote, restored or removed, in the order it touched them; empty
/// when nothing needed to change. Backup files are not listed.
/// </param>
/// <param name="Error">
/// A message for the operator when <paramref name="Outcome"/> is not a success, otherwise <see langword="null"/>.
/// </param>
internal sealed record MirrorConfigurationResult(
    MirrorConfigurationOutcome Outcome,
    IReadOnlyList<string> ChangedFiles,
    string? Error)
{
    /// <summary>Whether the run succeeded.</summary>
    public bool Succeeded => Outcome == MirrorConfigurationOutcome.Succeeded;

    /// <summary>A successful run that changed <paramref name="changedFiles"/>.</summary>
    public static MirrorConfigurationResult Success(IReadOnlyList<string> changedFiles) =>
        new(MirrorConfigurationOutcome.Succeeded, changedFiles, null);

    /// <summary>A failed run; <paramref name="changedFiles"/> lists what was changed before the failure.</summary>
    public static MirrorConfigurationResult Failure(
        MirrorConfigurationOutcome outcome,
        string error,
        IReadOnlyList<string>? changedFiles = null) =>
        new(outcome, changedFiles ?? [], error);
}
