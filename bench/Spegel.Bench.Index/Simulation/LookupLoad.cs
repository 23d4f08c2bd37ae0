using System.Diagnostics;
using Spegel.Bench.Index.Measurement;
using Spegel.Bench.Index.Reporting;
using Spegel.Grains.Holders;

namespace Spegel.Bench.Index.Simulation;

/// <summary>
/// Lookup loops, each sending one <see cref="IDigestGrain.ListAsync"/> at a time for a digest picked uniformly from
/// the advertised ones, through the grain factory of one of the silos, as a co-hosted registry endpoint does.
/// </summary>
internal static class LookupLoad
{
    // Far more than a loop can send in any run's time; it only keeps the loop bounded.
    private const long MaxLookupsPerLoop = 50_000_000;

    private static readonly (string Name, int From, int To)[] HolderClasses =
        [("1-9", 1, 10), ("10-99", 10, 100), ("100-999", 100, 1000), ("1000+", 1000, int.MaxValue)];

    /// <summary>
    /// Runs <paramref name="concurrency"/> lookup loops for <paramref name="duration"/> while
    /// <paramref name="background"/>, if any, runs beside them; the background is cancelled when the loops stop.
    /// </summary>
    public static async Task<LookupResult> RunAsync(
        string name,
        BenchCluster cluster,
        IReadOnlyList<string> digests,
        int concurrency,
        TimeSpan duration,
        int seed,
        Func<CallCounters, CancellationToken, Task>? background,
        CancellationToken cancellationToken)
    {
        var counters = background is null ? null : new CallCounters();
        using var backgroundStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var backgroundTask = background is null ? Task.CompletedTask : background(counters!, backgroundStop.Token);

        var usage = ResourceUsage.Now();
        var started = TimeProvider.System.GetTimestamp();
        var loops = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(loop => Task.Run(
            () => RunLoopAsync(cluster.GrainsOf(loop % cluster.Silos.Count), digests, new Random(seed + (7919 * loop)), started, duration, cancellationToken),
            cancellationToken)));
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        await backgroundStop.CancelAsync();
        await backgroundTask;
        var used = ResourceUsage.Now() - usage;

        var all = new LatencyHistogram();
        var byHolders = HolderClasses.Select(holderClass => (holderClass.Name, Latency: new LatencyHistogram())).ToList();
        foreach (var loop in loops)
        {
            all.Add(loop.All);
            for (var i = 0; i < byHolders.Count; i++)
            {
                byHolders[i].Latency.Add(loop.ByHolders[i]);
            }
        }

        return new LookupResult(name, elapsed, all, byHolders, loops.Sum(loop => loop.Empty), loops.Sum(loop => loop.Errors), counters, used, LoadAverage.Read());
    }

    private static async Task<LoopResult> RunLoopAsync(
        IGrainFactory grains,
        IReadOnlyList<string> digests,
        Random random,
        long started,
        TimeSpan duration,
        CancellationToken cancellationToken)
    {
        var result = new LoopResult();
        for (var sent = 0L; sent < MaxLookupsPerLoop && TimeProvider.System.GetElapsedTime(started) < duration; sent++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var grain = grains.GetGrain<IDigestGrain>(digests[random.Next(digests.Count)]);
            var before = Stopwatch.GetTimestamp();
            try
            {
                var holders = await grain.ListAsync();
                var ticks = Stopwatch.GetTimestamp() - before;
                result.All.Record(ticks);
                var holderClass = ClassOf(holders.Length);
                if (holderClass < 0)
                {
                    result.Empty++;
                    continue;
                }

                result.ByHolders[holderClass].Record(ticks);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                result.Errors++;
            }
        }

        return result;
    }

    /// <summary>The index in <see cref="HolderClasses"/> of an answer with <paramref name="holders"/> holders, or -1 for none.</summary>
    private static int ClassOf(int holders)
    {
        for (var i = 0; i < HolderClasses.Length; i++)
        {
            if (holders >= HolderClasses[i].From && holders < HolderClasses[i].To)
            {
                return i;
            }
        }

        return -1;
    }

    private sealed class LoopResult
    {
        public LatencyHistogram All { get; } = new();

        public LatencyHistogram[] ByHolders { get; } = [.. HolderClasses.Select(_ => new LatencyHistogram())];

        public long Empty { get; set; }

        public long Errors { get; set; }
    }
}
