using System.Globalization;
using Spegel.Bench.Index.Measurement;

namespace Spegel.Bench.Index.Reporting;

/// <summary>
/// Prints a report for people, then the same figures as <c>@md</c> lines (tab-separated: key, label, goal, value)
/// from which bench/index-simulation.sh builds one Markdown table across runs.
/// </summary>
internal static class ReportPrinter
{
    private const double MiB = 1024 * 1024;

    private static readonly (string Name, TimeSpan From, TimeSpan To)[] HistogramRanges =
    [
        ("< 0.25 ms", TimeSpan.Zero, Ms(0.25)),
        ("0.25-0.5 ms", Ms(0.25), Ms(0.5)),
        ("0.5-1 ms", Ms(0.5), Ms(1)),
        ("1-2 ms", Ms(1), Ms(2)),
        ("2-5 ms", Ms(2), Ms(5)),
        ("5-10 ms", Ms(5), Ms(10)),
        ("10-50 ms", Ms(10), Ms(50)),
        ("50-250 ms", Ms(50), Ms(250)),
        (">= 250 ms", Ms(250), TimeSpan.MaxValue),
    ];

    public static void Print(SimulationReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var s = report.Settings;
        var d = report.Distribution;
        var w = new Writer(output);

        w.Line($"Index simulation: {s.Silos} silos, {s.Nodes:N0} nodes x {s.DigestsPerNode:N0} digests from a pool of {s.Pool:N0} " +
            $"(Zipf {s.ZipfExponent:0.##}, seed {s.Seed}); batches of {s.BatchSize:N0}, {s.AgentConcurrency} agents at a time");
        w.Line($"Environment: {report.Environment}");
        w.Line($"Load average at start: {report.LoadAtStart}");
        w.Line();
        w.Line("Inventories");
        w.Item("records (node, digest)", $"{d.Records:N0}");
        w.Item("digest grains (distinct digests)", $"{d.DistinctDigests:N0}");
        w.Item("holders per digest", $"p50 {d.HoldersP50:N0}, p90 {d.HoldersP90:N0}, p99 {d.HoldersP99:N0}, max {d.HoldersMax:N0}; " +
            $"{d.HeldByHalf:N0} digests held by at least half the nodes");
        w.Item("records already present, summed", $"{d.HolderPairs:N0} (sum of h(h-1)/2: work of any per-advertisement scan of a grain's records)");
        if (d.UniformFills > 0)
        {
            w.Item("uniformly drawn fills", $"{d.UniformFills:N0}");
        }

        PrintAdvertise(report, w);
        PrintMemory(report, w);
        foreach (var lookup in report.Lookups)
        {
            PrintLookup(lookup, w);
        }

        PrintSiloLoss(report, w);
        w.Line();
        if (report.Failure is not null)
        {
            w.Line($"The run stopped early: {report.Failure}");
        }

        w.Line($"Load average at end: {LoadAverage.Read()}");
        PrintMarkdownLines(report, w);
    }

    private static void PrintAdvertise(SimulationReport report, Writer w)
    {
        if (report.Advertise is not { } a)
        {
            return;
        }

        w.Line();
        w.Line("1. Advertise everything (IHolderBatchGrain.AdvertiseAsync, all agents, bounded concurrency)");
        w.Item("elapsed", $"{a.Elapsed.TotalSeconds:F1} s");
        w.Item("digest-grain calls", $"{a.Calls.DigestCalls:N0} ({a.DigestCallsPerSecond:N0}/s)");
        w.Item("batch calls", $"{a.Calls.BatchCalls:N0} ({a.BatchCallsPerSecond:N1}/s)");
        w.Item("failed", $"{a.Calls.FailedDigests:N0} digest calls, {a.Calls.FailedBatches:N0} batch calls{FirstError(a.Calls)}");
        w.Item("process", a.Usage.Describe(a.Elapsed, a.Calls.DigestCalls));
        w.Item("load average at end", a.Load);
    }

    private static void PrintMemory(SimulationReport report, Writer w)
    {
        if (report.Advertise is not { } a)
        {
            return;
        }

        var records = report.Distribution.Records;
        var grown = a.After.LiveBytes - a.Before.LiveBytes;
        w.Line();
        w.Line("2. Memory (live managed heap after full blocking collections; all silos are in this process)");
        w.Item("live heap before / after", $"{a.Before.LiveBytes / MiB:N1} MiB / {a.After.LiveBytes / MiB:N1} MiB (+{grown / MiB:N1} MiB)");
        w.Item("per record, all-in", $"{(double)grown / records:N0} B (growth / records, digest-grain activations included)");
        if (report.Activation is { } c)
        {
            var perActivation = c.BytesPerActivation;
            var activationBytes = perActivation * report.Distribution.DistinctDigests;
            w.Item("per digest-grain activation", $"{perActivation:N0} B ({c.Activations:N0} empty activations: +{(c.After.LiveBytes - c.Before.LiveBytes) / MiB:N1} MiB)");
            w.Item("per record, activations excluded", $"{(grown - activationBytes) / records:N0} B " +
                $"({report.Distribution.DistinctDigests:N0} activations x {perActivation:N0} B = {activationBytes / MiB:N1} MiB set aside)");
        }

        w.Item("heap size / working set after", $"{a.After.HeapSizeBytes / MiB:N1} MiB / {a.After.WorkingSetBytes / MiB:N1} MiB");
    }

    private static void PrintLookup(LookupResult l, Writer w)
    {
        var h = l.All;
        w.Line();
        w.Line($"3. Lookups (IDigestGrain.ListAsync from the silos' grain factories), {l.Name}");
        w.Item("lookups", $"{h.Count:N0} in {l.Elapsed.TotalSeconds:F1} s ({l.LookupsPerSecond:N0}/s); {l.Empty:N0} empty, {l.Errors:N0} failed");
        w.Item("latency", Percentiles(h));
        foreach (var (holders, latency) in l.ByHolders.Where(entry => entry.Latency.Count > 0))
        {
            w.Item($"  answers with {holders} holders", $"{latency.Count,9:N0} lookups: {Percentiles(latency)}");
        }

        w.Item("histogram", string.Join(", ", HistogramRanges
            .Select(range => (range.Name, Count: h.CountBetween(range.From, range.To)))
            .Where(range => range.Count > 0)
            .Select(range => $"{range.Name}: {range.Count:N0}")));
        if (l.Background is { } b)
        {
            w.Item("background", $"{b.DigestCalls:N0} digest-grain calls in {b.BatchCalls:N0} batches ({l.BackgroundDigestCallsPerSecond:N0}/s), " +
                $"{b.FailedDigests:N0} failed, {b.FailedBatches:N0} batch calls failed{FirstError(b)}");
        }

        w.Item("process", l.Usage.Describe(l.Elapsed, l.All.Count + (l.Background?.DigestCalls ?? 0)));

        w.Item("load average at end", l.Load);
    }

    private static void PrintSiloLoss(SimulationReport report, Writer w)
    {
        if (report.SiloLoss is not { } r)
        {
            return;
        }

        w.Line();
        w.Line($"4. Silo loss ({r.Kind.ToString().ToLowerInvariant()} 1 of {report.Settings.Silos} silos) and re-advertisement by the surviving agents");
        w.Item("nodes lost / re-advertising", $"{r.LostNodes:N0} / {r.SurvivingNodes:N0}");
        w.Item("until every survivor saw it dead", $"{r.Detection.TotalSeconds:F1} s");
        w.Item("re-advertisement", $"{r.Readvertise.TotalSeconds:F1} s (random start delay up to {report.Settings.SiloLossJitter.TotalSeconds:0.#} s included)");
        w.Item("digest-grain calls", $"{r.Calls.DigestCalls:N0} ({r.DigestCallsPerSecond:N0}/s)");
        w.Item("batch calls", $"{r.Calls.BatchCalls:N0}");
        w.Item("failed", $"{r.Calls.FailedDigests:N0} digest calls, {r.Calls.FailedBatches:N0} batch calls{FirstError(r.Calls)}");
        w.Item("process", r.Usage.Describe(r.Readvertise, r.Calls.DigestCalls));
        w.Item("sampled digests incomplete before", $"{r.IncompleteBefore:N0} of {r.Sampled:N0}");
        w.Item("sampled digests complete after", $"{r.CompleteAfter:N0} of {r.Sampled:N0}");
        w.Item("load average at end", r.Load);
    }

    private static void PrintMarkdownLines(SimulationReport report, Writer w)
    {
        var s = report.Settings;
        w.Line();
        w.Markdown("run", "Nodes x digests (pool, silos)", "", $"{s.Nodes:N0} x {s.DigestsPerNode:N0} ({s.Pool:N0}, {s.Silos})");
        w.Markdown("records", "Records / digest grains", "", $"{report.Distribution.Records:N0} / {report.Distribution.DistinctDigests:N0}");
        if (report.Advertise is { } a)
        {
            w.Markdown("advertise", "Advertise everything", "<= 60 s for 1,000 x 5,000", $"{a.Elapsed.TotalSeconds:F1} s");
            w.Markdown("advertise-rate", "Digest-grain calls/s (batch calls/s)", "", $"{a.DigestCallsPerSecond:N0} ({a.BatchCallsPerSecond:N1})");
            w.Markdown("advertise-cpu", "Process CPU per digest-grain call (cores busy)", "",
                $"{a.Usage.Cpu.TotalMicroseconds / Math.Max(1, a.Calls.DigestCalls):F1} µs ({a.Usage.CoresBusy(a.Elapsed):F2})");
            w.Markdown("advertise-alloc", "Allocated per digest-grain call", "", $"{(double)a.Usage.AllocatedBytes / Math.Max(1, a.Calls.DigestCalls):N0} B");
            var grown = (double)(a.After.LiveBytes - a.Before.LiveBytes);
            w.Markdown("bytes-all", "Heap per record, all-in", "", $"{grown / report.Distribution.Records:N0} B");
            if (report.Activation is { } c)
            {
                var records = (grown - (c.BytesPerActivation * report.Distribution.DistinctDigests)) / report.Distribution.Records;
                w.Markdown("bytes-record", "Heap per record, activations excluded", "<= 150 B", $"{records:N0} B");
                w.Markdown("bytes-activation", "Heap per digest-grain activation", "", $"{c.BytesPerActivation:N0} B");
            }
        }

        foreach (var (lookup, index) in report.Lookups.Select((lookup, index) => (lookup, index)))
        {
            var background = lookup.Background is null ? "" : $", {lookup.BackgroundDigestCallsPerSecond:N0} calls/s";
            w.Markdown($"lookup-{index}", $"Lookup p50 / p99, {lookup.Name}", index == 0 ? "p99 <= 2 ms" : "",
                $"{Ms(lookup.All.Percentile(0.50))} / {Ms(lookup.All.Percentile(0.99))}{background}");
        }

        if (report.SiloLoss is { } r)
        {
            w.Markdown("loss-detect", $"Silo {r.Kind.ToString().ToLowerInvariant()}: until declared dead", "", $"{r.Detection.TotalSeconds:F1} s");
            w.Markdown("loss-readvertise", "Re-advertisement by survivors (calls)", "",
                $"{r.Readvertise.TotalSeconds:F1} s ({r.Calls.DigestCalls:N0} + {r.Calls.BatchCalls:N0} batches)");
            w.Markdown("loss-cpu", "Re-advertisement CPU per digest-grain call", "", $"{r.Usage.Cpu.TotalMicroseconds / Math.Max(1, r.Calls.DigestCalls):F1} µs");
            w.Markdown("loss-restored", "Sampled digests restored", "", $"{r.CompleteAfter:N0} / {r.Sampled:N0}");
        }

        w.Markdown("load", "Load average start / end", "", $"{report.LoadAtStart} / {LoadAverage.Read()}");
        if (report.Failure is not null)
        {
            w.Markdown("failure", "Stopped early", "", report.Failure.Replace('|', '/'));
        }
    }

    private static string FirstError(Simulation.CallCounters calls) =>
        calls.FirstBatchError is { } error ? $"; first: {error.GetType().Name}: {error.Message}" : "";

    private static string Percentiles(LatencyHistogram h) =>
        $"p50 {Ms(h.Percentile(0.50))}, p90 {Ms(h.Percentile(0.90))}, p99 {Ms(h.Percentile(0.99))}, p99.9 {Ms(h.Percentile(0.999))}, max {Ms(h.Max)}";

    private static string Ms(TimeSpan duration) => duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>
    /// Writes labelled lines. Numbers are formatted with the current culture, which is the invariant one: the build
    /// sets InvariantGlobalization.
    /// </summary>
    private sealed class Writer(TextWriter output)
    {
        public void Line(string text = "") => output.WriteLine(text);

        public void Item(string label, string value) => output.WriteLine($"  {label,-36} {value}");

        public void Markdown(string key, string label, string goal, string value) => output.WriteLine($"@md\t{key}\t{label}\t{goal}\t{value}");
    }
}
