using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spegel.Grains.Hosting;
using Spegel.Grains.Logging;
using Spegel.Grains.Membership;

namespace Spegel.Grains.Holders;

/// <summary>
/// Keeps, in memory, which nodes hold one digest.
/// </summary>
/// <remarks>
/// <para>
/// Model: one record per node name, replaced on every advertisement and stamped with the index clock
/// (<see cref="IndexTimeProvider"/>). Nothing is persisted; when the hosting silo fails, the agents' next
/// advertisements rebuild the state on the grain's new activation.
/// </para>
/// <para>
/// Liveness: a record is returned only while it is younger than <see cref="IndexOptions.HolderTtl"/> and membership
/// reports its silo <see cref="SiloStatus.Active"/>. Every call checks the silo's current membership snapshot, so a
/// holder disappears from lookups as soon as this silo learns that the holder's silo is dead, not after the TTL.
/// Records of dead silos and expired records are then dropped on the next call; records of silos this silo does not
/// know yet (one that joined a moment ago) are hidden but kept.
/// </para>
/// <para>
/// Keep-alive: every advertisement delays deactivation by the TTL, so an idle activation that holds records is never
/// collected before its newest record would expire; a grain left without records goes back to normal idle
/// collection. Without this, idle collection (15 minutes by default) would silently forget holders between resyncs.
/// </para>
/// <para>
/// Cost: a popular digest has a record for nearly every node, and every node advertises it at every resync, so the
/// work per call must not grow with the number of records. The sweep for stale records runs only when it can find
/// one: when membership has changed since the last sweep, or when the oldest record kept by it may have expired.
/// Records are 16-byte values that share one <see cref="Holder"/> instance per node across the silo
/// (<see cref="HolderInterner"/>); <see cref="HolderRecord"/> objects are made only for <see cref="ListAsync"/>.
/// </para>
/// </remarks>
internal sealed partial class DigestGrain(
    IClusterMembershipService membership,
    HolderInterner interner,
    IOptions<IndexOptions> options,
    [FromKeyedServices(IndexTimeProvider.Key)] TimeProvider timeProvider,
    ILogger<DigestGrain> logger) : Grain, IDigestGrain
{
    private readonly Dictionary<string, Entry> _holders = new(StringComparer.Ordinal);

    // Nodes reported as serving corrupt bytes, and until when (UTC ticks) their advertisements are refused.
    private Dictionary<string, long>? _rejectedUntil;
    private readonly long _ttlTicks = options.Value.HolderTtl.Ticks;

    // What the last sweep saw: no record can be stale before this time unless membership has changed since.
    private MembershipVersion _sweptVersion = MembershipVersion.MinValue;
    private long _nextExpiryUtcTicks = long.MinValue;

    /// <summary>The grain's key, the digest it indexes.</summary>
    private string Digest => this.GetPrimaryKeyString();

    /// <inheritdoc/>
    public Task AdvertiseAsync(Holder holder)
    {
        ArgumentNullException.ThrowIfNull(holder);

        DropStale();

        var now = timeProvider.GetUtcNow().UtcTicks;
        if (_rejectedUntil is not null && _rejectedUntil.TryGetValue(holder.Node, out var until))
        {
            if (now < until)
            {
                return Task.CompletedTask;
            }

            _rejectedUntil.Remove(holder.Node);
        }

        var shared = interner.Intern(holder);
        _holders[shared.Node] = new Entry(shared, now);
        _nextExpiryUtcTicks = Math.Min(_nextExpiryUtcTicks, now + _ttlTicks);
        DelayDeactivation(TimeSpan.FromTicks(_ttlTicks));

        // The key is decoded into a new string on every read, so it is read only when the event is written.
        if (logger.IsEnabled(LogLevel.Trace))
        {
            LogTraceHolderAdvertised(logger, Digest, holder.Node, holder.Silo);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task WithdrawAsync(string node)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);

        if (_holders.Remove(node) && logger.IsEnabled(LogLevel.Trace))
        {
            LogTraceHolderWithdrawn(logger, Digest, node);
        }

        _rejectedUntil?.Remove(node);
        DropStale();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task RejectCorruptAsync(string node)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);

        DropStale();
        _holders.Remove(node);
        _rejectedUntil ??= new Dictionary<string, long>(StringComparer.Ordinal);
        _rejectedUntil[node] = timeProvider.GetUtcNow().UtcTicks + _ttlTicks;

        // The refusal lives in this activation only; keep it alive as long as the refusal lasts.
        DelayDeactivation(TimeSpan.FromTicks(_ttlTicks));
        LogHolderRejected(logger, Digest, node);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<ImmutableArray<HolderRecord>> ListAsync()
    {
        DropStale();

        var snapshot = membership.CurrentSnapshot;
        var live = _holders.Values
            .Where(entry => SiloLiveness.Of(snapshot, entry.Holder.Silo) == HolderLiveness.Live)
            .OrderBy(entry => entry.Holder.Node, StringComparer.Ordinal)
            .Select(entry => entry.ToRecord())
            .ToImmutableArray();
        return Task.FromResult(live);
    }

    /// <summary>
    /// Removes expired records and records of dead silos, and lets the activation be collected once none is left.
    /// Skips the pass when nothing can be stale: membership is the one the last pass saw and the oldest record that
    /// pass kept has not expired yet (records added since are newer).
    /// </summary>
    private void DropStale()
    {
        var snapshot = membership.CurrentSnapshot;
        var now = timeProvider.GetUtcNow().UtcTicks;
        if (_holders.Count > 0 && snapshot.Version == _sweptVersion && now < _nextExpiryUtcTicks)
        {
            return;
        }

        var dropped = 0;
        var oldest = long.MaxValue;

        // Dictionary.Remove does not invalidate a running enumeration, so stale entries go in one pass.
        foreach (var (node, entry) in _holders)
        {
            if (IsStale(entry, snapshot, now, _ttlTicks) && _holders.Remove(node))
            {
                dropped++;
                continue;
            }

            oldest = Math.Min(oldest, entry.RefreshedAtUtcTicks);
        }

        _sweptVersion = snapshot.Version;
        _nextExpiryUtcTicks = oldest == long.MaxValue ? long.MaxValue : oldest + _ttlTicks;
        if (dropped > 0)
        {
            LogDebugHoldersDropped(logger, Digest, dropped);
        }

        if (_holders.Count == 0 && (_rejectedUntil is null || _rejectedUntil.Count == 0))
        {
            // Zero cancels an earlier keep-alive: an empty grain is collected like any idle activation.
            DelayDeactivation(TimeSpan.Zero);
        }

        static bool IsStale(Entry entry, ClusterMembershipSnapshot snapshot, long now, long ttl) =>
            now - entry.RefreshedAtUtcTicks >= ttl
                || SiloLiveness.Of(snapshot, entry.Holder.Silo) == HolderLiveness.Gone;
    }

    /// <summary>
    /// One holder's record as the grain keeps it: the silo's shared holder and when it last advertised.
    /// </summary>
    private readonly record struct Entry(Holder Holder, long RefreshedAtUtcTicks)
    {
        public HolderRecord ToRecord() => new(Holder, new DateTimeOffset(RefreshedAtUtcTicks, TimeSpan.Zero));
    }

    [LoggerMessage(EventId = GrainsEventIds.HolderAdvertised, EventName = "HolderAdvertised", Level = LogLevel.Trace,
        Message = "Node {Node} in silo {Silo} advertised {Digest}")]
    private static partial void LogTraceHolderAdvertised(ILogger logger, string digest, string node, SiloAddress silo);

    [LoggerMessage(EventId = GrainsEventIds.HolderWithdrawn, EventName = "HolderWithdrawn", Level = LogLevel.Trace,
        Message = "Node {Node} withdrew {Digest}")]
    private static partial void LogTraceHolderWithdrawn(ILogger logger, string digest, string node);

    [LoggerMessage(EventId = GrainsEventIds.HolderRejected, EventName = "HolderRejected", Level = LogLevel.Warning,
        Message = "Node {Node} served corrupt bytes of {Digest}; its advertisements are refused for the holder TTL")]
    private static partial void LogHolderRejected(ILogger logger, string digest, string node);

    [LoggerMessage(EventId = GrainsEventIds.HoldersDropped, EventName = "HoldersDropped", Level = LogLevel.Debug,
        Message = "Dropped {Count} expired or dead holders of {Digest}")]
    private static partial void LogDebugHoldersDropped(ILogger logger, string digest, int count);
}
