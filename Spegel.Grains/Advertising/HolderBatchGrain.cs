using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Spegel.Grains.Holders;
using Spegel.Grains.Hosting;
using Spegel.Grains.Logging;

namespace Spegel.Grains.Advertising;

/// <summary>Fans a batch out to digest grains with bounded concurrency.</summary>
[StatelessWorker]
internal sealed partial class HolderBatchGrain(
    IOptions<IndexOptions> options,
    ILogger<HolderBatchGrain> logger) : Grain, IHolderBatchGrain
{
    private readonly int _concurrency = Math.Max(1, options.Value.BatchConcurrency);

    /// <inheritdoc/>
    public async Task<BatchResult> AdvertiseAsync(Holder holder, ImmutableArray<string> digests)
    {
        ArgumentNullException.ThrowIfNull(holder);

        var result = await FanOutAsync(digests, grain => grain.AdvertiseAsync(holder));

        LogOutcome(holder.Node, "advertise", digests.Length, result);
        return result;
    }

    /// <inheritdoc/>
    public async Task<BatchResult> WithdrawAsync(string node, ImmutableArray<string> digests)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);

        var result = await FanOutAsync(digests, grain => grain.WithdrawAsync(node));

        LogOutcome(node, "withdraw", digests.Length, result);
        return result;
    }

    /// <summary>
    /// Calls <paramref name="call"/> on the digest grain of every distinct digest, keeping at most
    /// <see cref="IndexOptions.BatchConcurrency"/> calls in flight, and collects the digests whose call failed.
    /// </summary>
    private async Task<BatchResult> FanOutAsync(ImmutableArray<string> digests, Func<IDigestGrain, Task> call)
    {
        string[] distinct = digests.IsDefault ? [] : [.. digests.Distinct(StringComparer.Ordinal)];

        var outcome = await BoundedFanOut.RunAsync(
            distinct, _concurrency, digest => call(GrainFactory.GetGrain<IDigestGrain>(digest)));

        if (outcome.FirstError is not null)
        {
            LogWarningBatchItemFailed(logger, outcome.Failed[0], outcome.FirstError);
        }

        return new BatchResult(outcome.Succeeded, outcome.Failed);
    }

    private void LogOutcome(string node, string operation, int requested, BatchResult result)
    {
        if (result.IsComplete)
        {
            LogDebugBatchDone(logger, operation, node, result.Succeeded, requested);
            return;
        }

        LogWarningBatchIncomplete(logger, operation, node, result.Failed.Length, requested);
    }

    [LoggerMessage(EventId = GrainsEventIds.BatchDone, EventName = "BatchDone", Level = LogLevel.Debug,
        Message = "Batch {Operation} for node {Node}: {Succeeded} of {Requested} digests")]
    private static partial void LogDebugBatchDone(
        ILogger logger,
        string operation,
        string node,
        int succeeded,
        int requested);

    [LoggerMessage(EventId = GrainsEventIds.BatchIncomplete, EventName = "BatchIncomplete", Level = LogLevel.Warning,
        Message = "Batch {Operation} for node {Node}: {Failed} of {Requested} digests failed; "
            + "the next resync retries them")]
    private static partial void LogWarningBatchIncomplete(
        ILogger logger,
        string operation,
        string node,
        int failed,
        int requested);

    [LoggerMessage(EventId = GrainsEventIds.BatchItemFailed, EventName = "BatchItemFailed", Level = LogLevel.Warning,
        Message = "Digest grain {Digest} failed during a batch; further failures of this batch are only counted")]
    private static partial void LogWarningBatchItemFailed(ILogger logger, string digest, Exception? exception);
}
