using System.Collections.Immutable;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using Spegel.Bench.Index.Inventory;
using Spegel.Bench.Index.Measurement;
using Spegel.Bench.Index.Reporting;
using Spegel.Grains.Advertising;
using Spegel.Grains.Holders;

namespace Spegel.Bench.Index.Simulation;

/// <summary>
/// Runs the whole simulation in one process, phase after phase, each under <see cref="SimulationSettings.PhaseTimeout"/>.
/// </summary>
/// <remarks>
/// Phases:
/// 1. Generate the inventories (Zipf over the pool, fixed seed) and start the cluster.
/// 2. Warm up: a throw-away node per silo advertises and withdraws digests outside the pool, so that JIT compilation
///    and Orleans' buffer pools are not charged to the measurement.
/// 3. Advertise: every agent advertises everything into the empty index; time, calls, heap before and after.
/// 4. Activation cost: activate fresh digest grains without records; heap before and after.
/// 5. Lookups: idle, under the paced resync load, and under the saturating re-advertisement load.
/// 6. Silo loss: lose a silo, wait until membership says so, and time the surviving agents' re-advertisement.
/// </remarks>
internal static class IndexSimulation
{
    private const int WarmUpDigestsPerSilo = 2000;

    public static async Task<SimulationReport> RunAsync(SimulationSettings settings, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var loadAtStart = LoadAverage.Read();

        // 1.
        await progress.WriteLineAsync($"index-simulation: drawing {settings.Nodes} inventories of {settings.DigestsPerNode} from {settings.Pool} digests");
        var pool = DigestPool.Create(settings.Pool, settings.Seed);
        var inventories = NodeInventories.Generate(settings.Nodes, settings.DigestsPerNode, new ZipfSampler(settings.Pool, settings.ZipfExponent), settings.Seed);
        var distribution = DistributionSummary.Of(inventories);
        var advertised = inventories.AdvertisedDigests().Select(index => pool[index]).ToArray();

        await progress.WriteLineAsync($"index-simulation: starting {settings.Silos} silos");
        await using var cluster = await WithTimeoutAsync(settings, token => BenchCluster.StartAsync(settings.Silos, token), cancellationToken);
        var agents = CreateAgents(cluster, settings, inventories, pool);

        AdvertiseResult? advertise = null;
        ActivationCost? activation = null;
        var lookups = new List<LookupResult>();
        SiloLossResult? siloLoss = null;
        try
        {
            // 2.
            await progress.WriteLineAsync("index-simulation: warming up");
            await WithTimeoutAsync(settings, token => WarmUpAsync(cluster, settings, token), cancellationToken);

            // 3.
            await progress.WriteLineAsync($"index-simulation: advertising {settings.Records:N0} records, {settings.AgentConcurrency} agents at a time");
            advertise = await WithTimeoutAsync(settings, token => AdvertiseAsync(agents, settings, token), cancellationToken);
            await progress.WriteLineAsync($"index-simulation: advertised in {advertise.Elapsed.TotalSeconds:F1} s");

            // 4.
            if (settings.ActivationProbe > 0)
            {
                await progress.WriteLineAsync($"index-simulation: activating {settings.ActivationProbe} empty digest grains");
                activation = await WithTimeoutAsync(settings, token => MeasureActivationsAsync(cluster, settings, advertise.After, token), cancellationToken);
            }

            // 5.
            await progress.WriteLineAsync("index-simulation: lookups");
            lookups.Add(await WithTimeoutAsync(settings, token => LookupLoad.RunAsync(
                "idle", cluster, advertised, settings.LookupConcurrency, settings.IdleLookupDuration, settings.Seed, null, token), cancellationToken));
            lookups.Add(await WithTimeoutAsync(settings, token => LookupLoad.RunAsync(
                $"paced resync ({settings.ResyncInterval.TotalSeconds:0} s interval)", cluster, advertised, settings.LookupConcurrency,
                settings.LookupDuration, settings.Seed + 1,
                (counters, stop) => BackgroundLoad.PaceAsync(agents, settings.ResyncInterval, settings.LookupDuration, settings.AgentConcurrency, counters, stop),
                token), cancellationToken));
            lookups.Add(await WithTimeoutAsync(settings, token => LookupLoad.RunAsync(
                "saturating re-advertisement", cluster, advertised, settings.LookupConcurrency, settings.LookupDuration, settings.Seed + 2,
                (counters, stop) => BackgroundLoad.SaturateAsync(agents, settings.AgentConcurrency, counters, stop),
                token), cancellationToken));

            // 6.
            siloLoss = await WithTimeoutAsync(settings, token => SiloLossScenario.RunAsync(
                cluster, agents, inventories.Nodes, pool, settings, progress, token), cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or OrleansException or TimeoutException)
        {
            await progress.WriteLineAsync($"index-simulation: the run stopped early: {ex.GetType().Name}: {ex.Message}");
            return new SimulationReport(settings, DescribeEnvironment(), loadAtStart, distribution, advertise, activation, lookups, siloLoss,
                $"{ex.GetType().Name}: {ex.Message}");
        }

        return new SimulationReport(settings, DescribeEnvironment(), loadAtStart, distribution, advertise, activation, lookups, siloLoss, null);
    }

    private static List<SimulatedAgent> CreateAgents(BenchCluster cluster, SimulationSettings settings, NodeInventories inventories, string[] pool)
    {
        var agents = new List<SimulatedAgent>(settings.Nodes);
        for (var node = 0; node < settings.Nodes; node++)
        {
            var silo = node % cluster.Silos.Count;

            // Node names and pod IPs as in a cluster: one /16 of pod addresses, one registry port.
            var holder = new Holder($"node-{node:D5}", $"http://10.244.{node / 250}.{(node % 250) + 1}:5000", cluster.Silos[silo].SiloAddress);
            var batches = inventories.Nodes[node].Select(index => pool[index]).Chunk(settings.BatchSize)
                .Select(chunk => ImmutableArray.Create(chunk)).ToImmutableArray();
            agents.Add(new SimulatedAgent(holder, silo, cluster.GrainsOf(silo), batches));
        }

        return agents;
    }

    private static async Task WarmUpAsync(BenchCluster cluster, SimulationSettings settings, CancellationToken cancellationToken)
    {
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var holder = new Holder($"warm-up-{silo}", "http://10.245.0.1:5000", cluster.Silos[silo].SiloAddress);
            var digests = DigestPool.CreateRange(-(silo + 1) * WarmUpDigestsPerSilo, WarmUpDigestsPerSilo, settings.Seed);
            var batch = cluster.GrainsOf(silo).GetGrain<IHolderBatchGrain>(IHolderBatchGrain.Key);
            foreach (var chunk in digests.Chunk(settings.BatchSize))
            {
                await batch.AdvertiseAsync(holder, [.. chunk]);
                await batch.WithdrawAsync(holder.Node, [.. chunk]);
            }
        }
    }

    private static async Task<AdvertiseResult> AdvertiseAsync(List<SimulatedAgent> agents, SimulationSettings settings, CancellationToken cancellationToken)
    {
        var before = HeapSnapshot.Take();
        var counters = new CallCounters();

        var usage = ResourceUsage.Now();
        var started = TimeProvider.System.GetTimestamp();
        await AgentRunner.RunAsync(agents, null, settings.AgentConcurrency, counters, cancellationToken);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var used = ResourceUsage.Now() - usage;
        var load = LoadAverage.Read();

        return new AdvertiseResult(elapsed, counters, used, before, HeapSnapshot.Take(), load);
    }

    private static async Task<ActivationCost> MeasureActivationsAsync(
        BenchCluster cluster, SimulationSettings settings, HeapSnapshot before, CancellationToken cancellationToken)
    {
        // Keys past the pool's end: digests no node holds, so these grains hold no record.
        var digests = DigestPool.CreateRange(settings.Pool, settings.ActivationProbe, settings.Seed);
        await Parallel.ForEachAsync(Enumerable.Range(0, digests.Length),
            new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (index, _) => await cluster.GrainsOf(index % cluster.Silos.Count).GetGrain<IDigestGrain>(digests[index]).ListAsync());
        return new ActivationCost(digests.Length, before, HeapSnapshot.Take());
    }

    private static async Task<T> WithTimeoutAsync<T>(SimulationSettings settings, Func<CancellationToken, Task<T>> phase, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.PhaseTimeout);
        return await phase(timeout.Token);
    }

    private static async Task WithTimeoutAsync(SimulationSettings settings, Func<CancellationToken, Task> phase, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.PhaseTimeout);
        await phase(timeout.Token);
    }

    private static string DescribeEnvironment()
    {
        var orleans = typeof(IGrainFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var gc = GCSettings.IsServerGC ? "server GC" : "workstation GC";
        return $"{RuntimeInformation.FrameworkDescription}, Orleans {orleans.Split([' ', '+'])[0].TrimEnd('.')}, {gc}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}";
    }
}
