using System.Collections.Immutable;

namespace Spegel.Grains.Advertising;

/// <summary>The outcome of a batch advertisement or withdrawal.</summary>
/// <param name="Succeeded">How many digest grains took the change.</param>
/// <param name="Failed">
/// The digests whose grain call failed. The caller may retry them; the periodic resync repairs them otherwise.
/// </param>
[GenerateSerializer]
[Immutable]
[Alias("spegel.batch-result")]
public sealed record BatchResult(
    [property: Id(0)] int Succeeded,
    [property: Id(1)] ImmutableArray<string> Failed)
{
    /// <summary>Whether every digest grain took the change.</summary>
    public bool IsComplete => Failed.IsDefaultOrEmpty;
}
