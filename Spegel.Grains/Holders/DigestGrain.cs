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
/// </remarks>
internal sealed partial class DigestGrain(
    IClusterMembershipService membership,
    IOptions<IndexOptions> options,
    [FromKeyedServices(IndexTimeProvider.Key)] TimeProvider timeProvider,
    ILogger<DigestGrain> logger) : Grain, IDigestGrain
{
    private readonly Dictionary<string, HolderRecord> _holders = new(StringComparer.Ordinal);
    private readonly TimeSpan _ttl = options.Value.HolderTtl;

    /// <summary>The grain's key, the digest it indexes.</summary>
    private string Digest => this.GetPrimaryKeyString();

    /// <inheritdoc/>
    public Task AdvertiseAsync(Holder holder)
    {
        ArgumentNullException.ThrowIfNull(holder);

        DropStale();

        _holders[holder.Node] = new HolderRecord(holder, timeProvider.GetUtcNow());
        DelayDeactivation(_ttl);
        LogTraceHolderAdvertised(logger, Digest, holder.Node, holder.Silo);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task WithdrawAsync(string node)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);

        if (_holders.Remove(node))
        {
            LogTraceHolderWithdrawn(logger, Digest, node);
        }

        DropStale();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<ImmutableArray<HolderRecord>> ListAsync()
    {
        DropStale();

        var snapshot = membership.CurrentSnapshot;
        var live = _holders.Values
            .Where(record => SiloLiveness.Of(snapshot, record.Holder.Silo) == HolderLiveness.Live)
            .OrderBy(record => record.Holder.Node, StringComparer.Ordinal)
            .ToImmutableArray();
        return Task.FromResult(live);
    }

    /// <summary>
    /// Removes expired records and records of dead silos, and lets the activation be collected once none is left.
    /// </summary>
    private void DropStale()
    {
        var snapshot = membership.CurrentSnapshot;
        var now = timeProvider.GetUtcNow();
        var dropped = 0;

        // Dictionary.Remove does not invalidate a running enumeration, so stale entries go in one pass.
        foreach (var (node, record) in _holders)
        {
            if (IsStale(record, snapshot, now, _ttl) && _holders.Remove(node))
            {
                dropped++;
            }
        }

        if (dropped > 0)
        {
            LogDebugHoldersDropped(logger, Digest, dropped);
        }

        if (_holders.Count == 0)
        {
            // Zero cancels an earlier keep-alive: an empty grain is collected like any idle activation.
            DelayDeactivation(TimeSpan.Zero);
        }

        static bool IsStale(HolderRecord record, ClusterMembershipSnapshot snapshot, DateTimeOffset now, TimeSpan ttl) =>
            now - record.RefreshedAt >= ttl || SiloLiveness.Of(snapshot, record.Holder.Silo) == HolderLiveness.Gone;
    }

    [LoggerMessage(EventId = GrainsEventIds.HolderAdvertised, EventName = "HolderAdvertised", Level = LogLevel.Trace,
        Message = "Node {Node} in silo {Silo} advertised {Digest}")]
    private static partial void LogTraceHolderAdvertised(ILogger logger, string digest, string node, SiloAddress silo);

    [LoggerMessage(EventId = GrainsEventIds.HolderWithdrawn, EventName = "HolderWithdrawn", Level = LogLevel.Trace,
        Message = "Node {Node} withdrew {Digest}")]
    private static partial void LogTraceHolderWithdrawn(ILogger logger, string digest, string node);

    [LoggerMessage(EventId = GrainsEventIds.HoldersDropped, EventName = "HoldersDropped", Level = LogLevel.Debug,
        Message = "Dropped {Count} expired or dead holders of {Digest}")]
    private static partial void LogDebugHoldersDropped(ILogger logger, string digest, int count);
}
