namespace Spegel.Silo.MirrorConfiguration;

/// <summary>How a configure or cleanup run ended.</summary>
internal enum MirrorConfigurationOutcome
{
    /// <summary>The configuration on disk is what was asked for.</summary>
    Succeeded,

    /// <summary>The request was rejected before anything was read or written (bad target, registry or path).</summary>
    InvalidRequest,

    /// <summary>
    /// An existing <c>hosts.toml</c> could not be read as TOML or has the wrong shape; nothing was written.
    /// </summary>
    MalformedConfiguration,

    /// <summary>The backup left by an earlier configure is unreadable or incomplete; nothing was written.</summary>
    MalformedBackup,

    /// <summary>
    /// The file system refused a read or write; the backup still allows cleanup to restore what was there.
    /// </summary>
    FileSystemError,
}
