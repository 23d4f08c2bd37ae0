namespace Spegel.Registry.Http;

/// <summary>
/// How a body copy ended. Copy loops return it instead of throwing, so the caller decides what follows.
/// </summary>
public enum CopyOutcome
{
    /// <summary>Every byte asked for was sent.</summary>
    Completed,

    /// <summary>The source failed or ended early; the bytes sent so far are a prefix of the content.</summary>
    SourceFailed,

    /// <summary>Writing to the client failed (it went away).</summary>
    ClientFailed,

    /// <summary>The request was cancelled.</summary>
    Canceled,
}
