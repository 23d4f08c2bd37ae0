namespace Spegel.Grains.Hosting;

/// <summary>Settings of the content index kept in digest and tag grains.</summary>
public sealed class IndexOptions
{
    /// <summary>The default of <see cref="HolderTtl"/>.</summary>
    public static readonly TimeSpan DefaultHolderTtl = TimeSpan.FromMinutes(15);

    /// <summary>The default of <see cref="BatchConcurrency"/>.</summary>
    public const int DefaultBatchConcurrency = 64;

    /// <summary>
    /// How long a holder or tag record lives without being refreshed. The agent's periodic resync must come well
    /// within it; membership drops the records of dead silos much sooner.
    /// </summary>
    public TimeSpan HolderTtl { get; set; } = DefaultHolderTtl;

    /// <summary>How many digest grains one batch advertisement or withdrawal calls at once.</summary>
    public int BatchConcurrency { get; set; } = DefaultBatchConcurrency;
}
