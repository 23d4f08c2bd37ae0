namespace Spegel.Bench.Index.Measurement;

/// <summary>The managed heap after a full, blocking, compacting collection.</summary>
/// <param name="LiveBytes">Bytes in live objects, as <see cref="GC.GetTotalMemory(bool)"/> reports them.</param>
/// <param name="HeapSizeBytes">The heap's size after that collection, fragmentation included.</param>
/// <param name="WorkingSetBytes">The process's working set, for scale.</param>
internal readonly record struct HeapSnapshot(long LiveBytes, long HeapSizeBytes, long WorkingSetBytes)
{
    /// <summary>
    /// Collects everything that can be collected, twice, with finalizers run in between, then reads the heap. The
    /// silos keep running; what their timers allocate in the meantime is small next to the index.
    /// </summary>
    public static HeapSnapshot Take()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return new HeapSnapshot(GC.GetTotalMemory(forceFullCollection: false), info.HeapSizeBytes, Environment.WorkingSet);
    }
}
