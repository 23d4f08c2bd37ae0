using Spegel.Bench.Index.Measurement;
using Spegel.Bench.Index.Reporting;
using Spegel.Grains.Holders;

namespace Spegel.Bench.Index.Simulation;

/// <summary>
/// Loses the last silo and times what the agents do about it: every surviving agent advertises its whole inventory
/// again after a random delay, because the digest grains that lived in the lost silo come back empty.
/// </summary>
/// <remarks>
/// The nodes whose process ran in the lost silo are gone with it and do not come back. A sample of digests is
/// checked against the surviving holders before and after, to show that the re-advertisement restored the index.
/// </remarks>
internal static class SiloLossScenario
{
    private const int SampleSize = 2000;
    private const int CheckConcurrency = 32;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task<SiloLossResult> RunAsync(
        BenchCluster cluster,
        IReadOnlyList<SimulatedAgent> agents,
        int[][] inventories,
        string[] pool,
        SimulationSettings settings,
        TextWriter progress,
        CancellationToken cancellationToken)
    {
        var lost = cluster.Silos.Count - 1;
        var survivors = Enumerable.Range(0, agents.Count).Where(agent => agents[agent].SiloIndex != lost).ToList();
        var expected = SurvivingHolders(survivors, inventories, pool.Length);
        var random = new Random(settings.Seed + 31);
        var sample = Enumerable.Range(0, pool.Length).Where(index => expected[index] > 0)
            .OrderBy(_ => random.Next()).Take(SampleSize).ToArray();

        await progress.WriteLineAsync($"index-simulation: losing silo {lost} ({settings.SiloLoss}); {agents.Count - survivors.Count} nodes go with it");
        var started = TimeProvider.System.GetTimestamp();
        if (settings.SiloLoss == SiloLossKind.Kill)
        {
            await cluster.Cluster.KillSiloAsync(cluster.Silos[lost], cancellationToken);
        }
        else
        {
            await cluster.Cluster.StopSiloAsync(cluster.Silos[lost], cancellationToken);
        }

        while (!cluster.SurvivorsSeeDead(lost))
        {
            await Task.Delay(PollInterval, TimeProvider.System, cancellationToken);
        }

        var detection = TimeProvider.System.GetElapsedTime(started);
        await progress.WriteLineAsync($"index-simulation: every survivor saw the silo dead after {detection.TotalSeconds:F1} s");

        var grains = cluster.GrainsOf(0);
        var before = await CountCompleteAsync(grains, sample, pool, expected, cancellationToken);

        var counters = new CallCounters();
        var delays = survivors.Select(_ => settings.SiloLossJitter * random.NextDouble()).ToList();
        var usage = ResourceUsage.Now();
        var readvertiseStarted = TimeProvider.System.GetTimestamp();
        await AgentRunner.RunAsync([.. survivors.Select(agent => agents[agent])], delays, settings.AgentConcurrency, counters, cancellationToken);
        var readvertise = TimeProvider.System.GetElapsedTime(readvertiseStarted);
        var used = ResourceUsage.Now() - usage;

        var after = await CountCompleteAsync(grains, sample, pool, expected, cancellationToken);
        return new SiloLossResult(settings.SiloLoss, agents.Count - survivors.Count, survivors.Count, detection, readvertise, counters, used,
            sample.Length, sample.Length - before, after, LoadAverage.Read());
    }

    private static int[] SurvivingHolders(List<int> survivors, int[][] inventories, int poolSize)
    {
        var holders = new int[poolSize];
        foreach (var agent in survivors)
        {
            foreach (var index in inventories[agent])
            {
                holders[index]++;
            }
        }

        return holders;
    }

    /// <summary>How many sampled digests list exactly their surviving holders.</summary>
    private static async Task<int> CountCompleteAsync(
        IGrainFactory grains, int[] sample, string[] pool, int[] expected, CancellationToken cancellationToken)
    {
        var complete = 0;
        await Parallel.ForEachAsync(sample, new ParallelOptions { MaxDegreeOfParallelism = CheckConcurrency, CancellationToken = cancellationToken },
            async (index, _) =>
            {
                var holders = await grains.GetGrain<IDigestGrain>(pool[index]).ListAsync();
                if (holders.Length == expected[index])
                {
                    Interlocked.Increment(ref complete);
                }
            });
        return complete;
    }
}
