using System.Diagnostics;

namespace Spegel.Bench.Index.Measurement;

/// <summary>
/// What the process used during a phase: CPU time, bytes allocated, time paused for garbage collection. On a shared
/// machine these say more than wall-clock time, which depends on how much CPU other processes left over.
/// </summary>
internal readonly record struct ResourceUsage(TimeSpan Cpu, long AllocatedBytes, TimeSpan GcPause, int Gen2Collections)
{
    /// <summary>Totals since the process started; subtract two of them for a phase.</summary>
    public static ResourceUsage Now()
    {
        using var process = Process.GetCurrentProcess();
        return new ResourceUsage(process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: false), GC.GetTotalPauseDuration(), GC.CollectionCount(2));
    }

    public static ResourceUsage operator -(ResourceUsage after, ResourceUsage before) =>
        new(after.Cpu - before.Cpu, after.AllocatedBytes - before.AllocatedBytes, after.GcPause - before.GcPause, after.Gen2Collections - before.Gen2Collections);

    /// <summary>Average cores busy over <paramref name="elapsed"/>.</summary>
    public double CoresBusy(TimeSpan elapsed) => Cpu / elapsed;

    /// <summary>Describes the usage per <paramref name="calls"/> calls.</summary>
    public string Describe(TimeSpan elapsed, long calls) =>
        $"CPU {Cpu.TotalSeconds:F1} s ({CoresBusy(elapsed):F2} cores busy, {Cpu.TotalMicroseconds / Math.Max(1, calls):F1} µs per digest-grain call), " +
        $"allocated {AllocatedBytes / (1024.0 * 1024):N0} MiB ({(double)AllocatedBytes / Math.Max(1, calls):N0} B per call), " +
        $"GC pauses {GcPause.TotalSeconds:F1} s, {Gen2Collections} gen2";
}
