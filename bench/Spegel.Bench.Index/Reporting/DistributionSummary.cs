using Spegel.Bench.Index.Inventory;

namespace Spegel.Bench.Index.Reporting;

/// <summary>How the records spread over digests: a few digests with many holders, many with few.</summary>
/// <param name="Records">(node, digest) pairs.</param>
/// <param name="DistinctDigests">Digests that at least one node holds (one digest grain each).</param>
/// <param name="HoldersP50">Median holders per advertised digest.</param>
/// <param name="HoldersP90">90th percentile of holders per advertised digest.</param>
/// <param name="HoldersP99">99th percentile of holders per advertised digest.</param>
/// <param name="HoldersMax">Holders of the most widely held digest.</param>
/// <param name="HeldByHalf">Digests that at least half of the nodes hold.</param>
/// <param name="UniformFills">Digests drawn uniformly because the Zipf draws ran out.</param>
/// <param name="HolderPairs">
/// Sum over digests of h(h - 1) / 2 for h holders: how many existing records the digest grains hold, summed over
/// every advertisement, when the nodes advertise one after another into empty grains.
/// </param>
internal sealed record DistributionSummary(
    long Records,
    int DistinctDigests,
    int HoldersP50,
    int HoldersP90,
    int HoldersP99,
    int HoldersMax,
    int HeldByHalf,
    long UniformFills,
    double HolderPairs)
{
    public static DistributionSummary Of(NodeInventories inventories)
    {
        ArgumentNullException.ThrowIfNull(inventories);
        var held = inventories.HoldersPerDigest.Where(count => count > 0).Order().ToArray();
        var nodes = inventories.Nodes.Length;
        return new DistributionSummary(
            held.Sum(count => (long)count),
            held.Length,
            At(0.50),
            At(0.90),
            At(0.99),
            held.Length == 0 ? 0 : held[^1],
            held.Count(count => count * 2 >= nodes),
            inventories.UniformFills,
            held.Sum(count => (double)count * (count - 1) / 2));

        int At(double quantile) => held.Length == 0 ? 0 : held[Math.Min(held.Length - 1, (int)(quantile * held.Length))];
    }
}
