namespace Spegel.Bench.Index.Inventory;

/// <summary>
/// What every simulated node holds, as pool indexes, and how the records spread over the digests.
/// </summary>
/// <remarks>
/// Each node draws distinct digests from the Zipf popularity until it has its quota. A node that has not filled its
/// quota after <see cref="MaxDrawsPerDigest"/> draws per digest (only possible with a steep exponent) fills the rest
/// uniformly from the digests it lacks; <see cref="UniformFills"/> counts those digests.
/// </remarks>
internal sealed class NodeInventories
{
    private const int MaxDrawsPerDigest = 50;

    private NodeInventories(int[][] nodes, int[] holdersPerDigest, long uniformFills)
    {
        Nodes = nodes;
        HoldersPerDigest = holdersPerDigest;
        UniformFills = uniformFills;
    }

    /// <summary>Per node, the pool indexes it holds, ascending.</summary>
    public int[][] Nodes { get; }

    /// <summary>Per pool index, how many nodes hold it.</summary>
    public int[] HoldersPerDigest { get; }

    /// <summary>Digests that had to be drawn uniformly because the Zipf draws ran out; usually zero.</summary>
    public long UniformFills { get; }

    public static NodeInventories Generate(int nodes, int digestsPerNode, ZipfSampler sampler, int seed)
    {
        var inventories = new int[nodes][];
        var fills = new long[nodes];

        // Each node has its own generator seeded from (seed, node), so the result does not depend on thread timing.
        // HashCode.Combine is not used: it is randomised per process.
        Parallel.For(0, nodes, node =>
        {
            var random = new Random(unchecked((seed * 1_000_003) + node));
            var chosen = new HashSet<int>(digestsPerNode);
            var draws = 0L;
            var maxDraws = (long)digestsPerNode * MaxDrawsPerDigest;
            while (chosen.Count < digestsPerNode && draws++ < maxDraws)
            {
                chosen.Add(sampler.Next(random));
            }

            while (chosen.Count < digestsPerNode)
            {
                fills[node] += chosen.Add(random.Next(sampler.Size)) ? 1 : 0;
            }

            var inventory = chosen.ToArray();
            Array.Sort(inventory);
            inventories[node] = inventory;
        });

        var holders = new int[sampler.Size];
        foreach (var inventory in inventories)
        {
            foreach (var index in inventory)
            {
                holders[index]++;
            }
        }

        return new NodeInventories(inventories, holders, fills.Sum());
    }

    /// <summary>Pool indexes that at least one node holds.</summary>
    public int[] AdvertisedDigests() => [.. Enumerable.Range(0, HoldersPerDigest.Length).Where(index => HoldersPerDigest[index] > 0)];
}
