using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Net;
using Spegel.Grains.Advertising;
using Spegel.Grains.Holders;
using Spegel.Grains.Nodes;
using Spegel.Grains.Tags;
using Spegel.Registry.Content;
using Spegel.Silo.Hosting;

namespace Spegel.Silo.Agent;

/// <summary>
/// Keeps the cluster's index true to this node's content store: advertises the whole inventory once the silo is
/// active, applies the store's change feed at once, repeats the whole advertisement every resync interval
/// (jittered) and whenever the cluster loses a silo, and withdraws everything before the silo leaves.
/// </summary>
/// <remarks>
/// <para>Why re-advertise after a silo loss: grain state lives only in memory, so the digest and tag grains that were
/// activated on the lost silo come back empty elsewhere. Every agent advertising its inventory again (after a random
/// delay of up to <see cref="SiloLossJitter"/>, so that N nodes do not hit the cluster in the same instant) restores
/// them. The cost is one batch call per <see cref="BatchSize"/> digests per node; see BENCHMARKS.md.</para>
/// <para>Tags found by a resync are refreshed, not advertised anew: a refresh keeps a claim's advertisement time, so
/// a node that still reports a tag's old digest cannot take a moved tag back. Tags that appear through the change
/// feed (a pull or a re-tag on this node) are advertised, because they are the newest thing the cluster knows.</para>
/// <para>All updates run one at a time under one gate, so the feed and a resync never interleave their writes.</para>
/// </remarks>
internal sealed partial class InventoryAgent(
    IContentStore store,
    NodeSettings settings,
    IGrainFactory grains,
    ILocalSiloDetails siloDetails,
    IClusterMembershipService membership,
    TimeProvider timeProvider,
    IMeterFactory meterFactory,
    ILogger<InventoryAgent> logger) : BackgroundService
{
    // Digests per batch call: large enough that a 5,000-digest node needs a handful of calls, small enough that one
    // call's fan-out stays well inside the grain call timeout.
    internal const int BatchSize = 1000;

    private static readonly TimeSpan SiloLossJitter = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WithdrawTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private InventorySnapshot _advertised = InventorySnapshot.Empty;
    private AgentMetrics? _metrics;

    private AgentMetrics Metrics => _metrics ??= new AgentMetrics(meterFactory, () => AdvertisedCounts);

    private Holder Self { get; } = new(
        settings.NodeName,
        $"http://{new IPEndPoint(NodeHost.AdvertisedAddress(settings), settings.RegistryEndPoint.Port)}",
        siloDetails.SiloAddress);

    /// <summary>How many digests and tags are advertised now.</summary>
    public (int Digests, int Tags) AdvertisedCounts => (_advertised.Digests.Count, _advertised.Tags.Count);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = Metrics;
        await Task.WhenAll(
            SynchronizeUntilDoneAsync("start", stoppingToken),
            FollowChangesAsync(stoppingToken),
            ResyncPeriodicallyAsync(stoppingToken),
            ReadvertiseAfterSiloLossAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(WithdrawTimeout);
        await _gate.WaitAsync(deadline.Token);
        try
        {
            var withdrawn = _advertised;
            await WithdrawAsync([.. withdrawn.Digests], [.. withdrawn.Tags.Keys], deadline.Token);
            _advertised = InventorySnapshot.Empty;
            Metrics.Operation("withdraw", succeeded: true);
            LogInventoryWithdrawn(logger, withdrawn.Digests.Count, withdrawn.Tags.Count);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException or OperationCanceledException)
        {
            Metrics.Operation("withdraw", succeeded: false);
            // Leaving anyway: the holder records expire, and membership drops them once the silo is gone.
            if (logger.IsEnabled(LogLevel.Warning))
            {
                LogAdvertiseFailed(logger, "withdraw on shutdown", ex.Message);
            }

            LogFailureDetail(logger, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Synchronises, retrying with backoff (up to <see cref="MaxRetryDelay"/>) until it succeeds: at start the store
    /// (e.g. containerd) may not be reachable yet, and the node must advertise as soon as it is.
    /// </summary>
    private async Task SynchronizeUntilDoneAsync(string reason, CancellationToken stoppingToken)
    {
        var delay = RetryDelay;
        while (!await SynchronizeAsync(reason, stoppingToken))
        {
            if (!await DelayAsync(delay, stoppingToken))
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    /// <summary>Reads the whole inventory and makes the cluster's index match it; false when it could not.</summary>
    private async Task<bool> SynchronizeAsync(string reason, CancellationToken cancellationToken)
    {
        try
        {
            var current = await InventorySnapshot.ReadAsync(store, cancellationToken);
            await _gate.WaitAsync(cancellationToken);
            try
            {
                var previous = _advertised;
                await AdvertiseDigestsAsync(current.Digests, cancellationToken);
                foreach (var (name, target) in current.Tags)
                {
                    await grains.GetGrain<ITagGrain>(name).RefreshAsync(Self, target);
                }

                await WithdrawAsync(
                    [.. previous.Digests.Where(digest => !current.Digests.Contains(digest))],
                    [.. previous.Tags.Keys.Where(name => !current.Tags.ContainsKey(name))],
                    cancellationToken);
                _advertised = current;
                await ReportAsync();
                Metrics.Operation("sync", succeeded: true);
                LogInventoryAdvertised(logger, reason, current.Digests.Count, current.Tags.Count);
                return true;
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken))
        {
            Metrics.Operation("sync", succeeded: false);
            if (logger.IsEnabled(LogLevel.Warning))
            {
                LogAdvertiseFailed(logger, reason, ex.Message);
            }

            LogFailureDetail(logger, ex);
            return false;
        }
    }

    /// <summary>Applies one notification of the store's change feed.</summary>
    private async Task ApplyAsync(StoreChange change, CancellationToken cancellationToken)
    {
        if (change.Kind == StoreChangeKind.Reset)
        {
            await SynchronizeUntilDoneAsync("store reset", cancellationToken);
            return;
        }

        var digests = change.Digests.Select(content => content.Digest.Value).ToHashSet(StringComparer.Ordinal);
        var tags = change.Tags.Select(name => name.ToString()).ToList();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var advertisedDigests = new HashSet<string>(_advertised.Digests, StringComparer.Ordinal);
            var advertisedTags = new Dictionary<string, TagTarget>(_advertised.Tags, StringComparer.Ordinal);
            if (change.Kind == StoreChangeKind.Added)
            {
                await AdvertiseDigestsAsync(digests, cancellationToken);
                advertisedDigests.UnionWith(digests);
                foreach (var name in change.Tags)
                {
                    var target = await store.ResolveTagAsync(name, cancellationToken);
                    if (target is not null)
                    {
                        var tagTarget = InventorySnapshot.ToTarget(target);
                        await grains.GetGrain<ITagGrain>(name.ToString()).AdvertiseAsync(Self, tagTarget);
                        advertisedTags[name.ToString()] = tagTarget;
                    }
                }
            }
            else
            {
                await WithdrawAsync(digests, tags, cancellationToken);
                advertisedDigests.ExceptWith(digests);
                tags.ForEach(name => advertisedTags.Remove(name));
            }

            _advertised = new InventorySnapshot(advertisedDigests, advertisedTags);
            await ReportAsync();
            Metrics.Operation("change", succeeded: true);
            LogChangeApplied(logger, change.Kind, digests.Count, tags.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task FollowChangesAsync(CancellationToken stoppingToken)
    {
        var delay = RetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in store.WatchAsync(stoppingToken))
                {
                    delay = RetryDelay;
                    await ApplyAsync(change, stoppingToken);
                }
            }
            catch (Exception ex) when (IsTransient(ex, stoppingToken))
            {
                // One line per attempt, backing off, while the store is away; the full exception only at Debug.
                if (logger.IsEnabled(LogLevel.Warning))
                {
                    LogFeedFailed(logger, delay, ex.Message);
                }

                LogFailureDetail(logger, ex);
            }

            await DelayAsync(delay, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task ResyncPeriodicallyAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // ±10 % so that nodes started together do not resynchronise together forever.
            var jitter = 0.9 + (Random.Shared.NextDouble() * 0.2);
            if (!await DelayAsync(settings.ResyncInterval * jitter, stoppingToken))
            {
                return;
            }

            await SynchronizeAsync("periodic resync", stoppingToken);
        }
    }

    private async Task ReadvertiseAfterSiloLossAsync(CancellationToken stoppingToken)
    {
        HashSet<SiloAddress>? dead = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                if (dead is null)
                {
                    // Silos that were already dead when this one joined lost nothing this node advertised.
                    dead = snapshot.Members.Values.Where(member => member.Status == SiloStatus.Dead)
                        .Select(member => member.SiloAddress).ToHashSet();
                    continue;
                }

                var newlyDead = snapshot.Members.Values
                    .Where(member => member.Status == SiloStatus.Dead && dead.Add(member.SiloAddress))
                    .Select(member => member.SiloAddress)
                    .ToList();
                if (newlyDead.Count == 0)
                {
                    continue;
                }

                LogReadvertiseAfterSiloLoss(logger, newlyDead.Count);
                if (await DelayAsync(SiloLossJitter * Random.Shared.NextDouble(), stoppingToken))
                {
                    await SynchronizeAsync("silo loss", stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Tells the cluster what this node advertises now, for <c>spegel status</c>.</summary>
    private Task ReportAsync() => grains.GetGrain<INodeGrain>(Self.Node).ReportAsync(
        new NodeReport(Self.Node, Self.Endpoint, Self.Silo, _advertised.Digests.Count, _advertised.Tags.Count,
            timeProvider.GetUtcNow()));

    private async Task AdvertiseDigestsAsync(IReadOnlyCollection<string> digests, CancellationToken cancellationToken)
    {
        var batch = grains.GetGrain<IHolderBatchGrain>(IHolderBatchGrain.Key);
        foreach (var chunk in digests.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await batch.AdvertiseAsync(Self, [.. chunk]);
            if (!result.IsComplete)
            {
                throw new OrleansException(
                    $"{result.Failed.Length} of {chunk.Length} digests could not be advertised, "
                        + $"e.g. {result.Failed[0]}");
            }
        }
    }

    private async Task WithdrawAsync(
        IReadOnlyCollection<string> digests,
        IReadOnlyCollection<string> tags,
        CancellationToken cancellationToken)
    {
        var batch = grains.GetGrain<IHolderBatchGrain>(IHolderBatchGrain.Key);
        foreach (var chunk in digests.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await batch.WithdrawAsync(Self.Node, ImmutableArray.Create(chunk));
        }

        foreach (var name in tags)
        {
            await grains.GetGrain<ITagGrain>(name).WithdrawAsync(Self.Node);
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static bool IsTransient(Exception exception, CancellationToken cancellationToken) =>
        exception is OrleansException or TimeoutException or IOException or InvalidOperationException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    [LoggerMessage(EventId = SiloEventIds.InventoryAdvertised, EventName = nameof(SiloEventIds.InventoryAdvertised),
        Level = LogLevel.Information,
        Message = "Advertised the inventory ({Reason}): {DigestCount} digests, {TagCount} tags")]
    private static partial void LogInventoryAdvertised(ILogger logger, string reason, int digestCount, int tagCount);

    [LoggerMessage(EventId = SiloEventIds.InventoryWithdrawn, EventName = nameof(SiloEventIds.InventoryWithdrawn),
        Level = LogLevel.Information,
        Message = "Withdrew the inventory before leaving: {DigestCount} digests, {TagCount} tags")]
    private static partial void LogInventoryWithdrawn(ILogger logger, int digestCount, int tagCount);

    [LoggerMessage(EventId = SiloEventIds.ChangeApplied, EventName = nameof(SiloEventIds.ChangeApplied),
        Level = LogLevel.Debug,
        Message = "Applied a store change ({Kind}): {DigestCount} digests, {TagCount} tags")]
    private static partial void LogChangeApplied(ILogger logger, StoreChangeKind kind, int digestCount, int tagCount);

    [LoggerMessage(EventId = SiloEventIds.AdvertiseFailed, EventName = nameof(SiloEventIds.AdvertiseFailed),
        Level = LogLevel.Warning,
        Message = "Advertising failed ({Reason}): {Cause}; trying again shortly")]
    private static partial void LogAdvertiseFailed(ILogger logger, string reason, string cause);

    [LoggerMessage(EventId = SiloEventIds.AgentFailureDetail, EventName = nameof(SiloEventIds.AgentFailureDetail),
        Level = LogLevel.Debug, Message = "The failure in full")]
    private static partial void LogFailureDetail(ILogger logger, Exception exception);

    [LoggerMessage(EventId = SiloEventIds.ReadvertiseAfterSiloLoss,
        EventName = nameof(SiloEventIds.ReadvertiseAfterSiloLoss), Level = LogLevel.Information,
        Message = "The cluster lost {SiloCount} silos; advertising the inventory again")]
    private static partial void LogReadvertiseAfterSiloLoss(ILogger logger, int siloCount);

    [LoggerMessage(EventId = SiloEventIds.FeedFailed, EventName = nameof(SiloEventIds.FeedFailed),
        Level = LogLevel.Warning,
        Message = "The store's change feed failed: {Cause}; following it again in {Delay}")]
    private static partial void LogFeedFailed(ILogger logger, TimeSpan delay, string cause);
}
