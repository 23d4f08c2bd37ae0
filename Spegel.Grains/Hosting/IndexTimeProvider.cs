namespace Spegel.Grains.Hosting;

/// <summary>
/// The service key of the <see cref="TimeProvider"/> that timestamps and expires index records. By default it
/// resolves to the host's unkeyed <see cref="TimeProvider"/>; a test replaces only this keyed registration, so a fake
/// clock drives record expiry while Orleans' own timers (membership, collection, messaging) keep real time.
/// </summary>
public static class IndexTimeProvider
{
    /// <summary>The key to register or resolve the index clock with.</summary>
    public const string Key = "Spegel.Index";
}
