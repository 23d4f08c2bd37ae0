using Spegel.Grains.Advertising;

namespace Spegel.Bench.Index.Simulation;

/// <summary>Grain calls made by agents during one phase; safe to update from many agents at once.</summary>
internal sealed class CallCounters
{
    private long _batchCalls;
    private long _digestCalls;
    private long _failedDigests;
    private long _failedBatches;
    private Exception? _firstBatchError;

    /// <summary>Calls to <see cref="IHolderBatchGrain"/>.</summary>
    public long BatchCalls => Interlocked.Read(ref _batchCalls);

    /// <summary>Digest grain calls the batches made: one per (node, digest) pair.</summary>
    public long DigestCalls => Interlocked.Read(ref _digestCalls);

    /// <summary>Digest grain calls that failed inside a batch.</summary>
    public long FailedDigests => Interlocked.Read(ref _failedDigests);

    /// <summary>Batch calls that threw (for example a response timeout); their digests count as failed.</summary>
    public long FailedBatches => Interlocked.Read(ref _failedBatches);

    public void RecordBatch(BatchResult result)
    {
        Interlocked.Increment(ref _batchCalls);
        Interlocked.Add(ref _digestCalls, result.Succeeded + result.Failed.Length);
        Interlocked.Add(ref _failedDigests, result.Failed.Length);
    }

    /// <summary>The first exception a batch call threw, if any.</summary>
    public Exception? FirstBatchError => Volatile.Read(ref _firstBatchError);

    public void RecordFailedBatch(int digests, Exception exception)
    {
        Interlocked.CompareExchange(ref _firstBatchError, exception, null);

        Interlocked.Increment(ref _batchCalls);
        Interlocked.Increment(ref _failedBatches);
        Interlocked.Add(ref _digestCalls, digests);
        Interlocked.Add(ref _failedDigests, digests);
    }
}
