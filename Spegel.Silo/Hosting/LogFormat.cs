namespace Spegel.Silo.Hosting;

/// <summary>How log lines are written to the console.</summary>
internal enum LogFormat
{
    /// <summary>One readable line per event.</summary>
    Text,

    /// <summary>One JSON object per line, for log collectors.</summary>
    Json,
}
