using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spegel.Grains.Holders;
using Spegel.Grains.Hosting;
using Spegel.Grains.Logging;
using Spegel.Grains.Membership;

namespace Spegel.Grains.Tags;

/// <summary>
/// Keeps, in memory, what one tag names on each node and resolves it for the cluster.
/// </summary>
/// <remarks>
/// <para>
/// Model: one claim per node name (<see cref="TagAdvertisement"/>). Nodes may disagree while a tag moves, because
/// each node reports its own local image.
/// </para>
/// <para>
/// Rule: the tag resolves to the target of the live claim with the latest <see cref="TagAdvertisement.AdvertisedAt"/>;
/// equal times go to the ordinally greater digest so that every call answers the same. Along with it come all live
/// nodes whose claim names that same target. A "first digest sticks" rule would leave a moved tag on its old digest
/// for as long as any node still had the old image. Following the latest advertisement moves with the tag as soon as
/// one node pulls the new image, and a node that keeps reporting the old digest through
/// <see cref="ITagGrain.RefreshAsync"/> does not pin it, because refreshes keep the claim's advertisement time.
/// A node that advertises the old digest again (it pulled the image anew) does take the tag back: that is the most
/// recent thing the cluster was told.
/// </para>
/// <para>
/// Liveness and keep-alive work as in <see cref="DigestGrain"/>: claims expire after
/// <see cref="IndexOptions.HolderTtl"/> without a refresh, claims of silos that are not active are never used, claims
/// of dead silos are dropped, and the activation is kept while it holds claims.
/// </para>
/// </remarks>
internal sealed partial class TagGrain(
    IClusterMembershipService membership,
    IOptions<IndexOptions> options,
    [FromKeyedServices(IndexTimeProvider.Key)] TimeProvider timeProvider,
    ILogger<TagGrain> logger) : Grain, ITagGrain
{
    private readonly Dictionary<string, TagAdvertisement> _claims = new(StringComparer.Ordinal);
    private readonly TimeSpan _ttl = options.Value.HolderTtl;

    /// <summary>The grain's key, the tag it indexes.</summary>
    private string Tag => this.GetPrimaryKeyString();

    /// <inheritdoc/>
    public Task AdvertiseAsync(Holder holder, TagTarget target)
    {
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(target);

        DropStale();

        var now = timeProvider.GetUtcNow();
        Store(new TagAdvertisement(holder, target, now, now));
        LogDebugTagAdvertised(logger, Tag, holder.Node, target.Digest);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task RefreshAsync(Holder holder, TagTarget target)
    {
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(target);

        DropStale();

        if (!_claims.TryGetValue(holder.Node, out var claim) || claim.Target != target)
        {
            return AdvertiseAsync(holder, target);
        }

        Store(claim with { Holder = holder, RefreshedAt = timeProvider.GetUtcNow() });
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task WithdrawAsync(string node)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);

        if (_claims.Remove(node))
        {
            LogDebugTagWithdrawn(logger, Tag, node);
        }

        DropStale();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<TagResolution?> ResolveAsync()
    {
        DropStale();

        var live = LiveClaims();
        if (live.Count == 0)
        {
            return Task.FromResult<TagResolution?>(null);
        }

        var latest = live
            .OrderByDescending(claim => claim.AdvertisedAt)
            .ThenByDescending(claim => claim.Target.Digest, StringComparer.Ordinal)
            .First();
        var holders = live
            .Where(claim => claim.Target == latest.Target)
            .Select(claim => claim.Holder)
            .ToImmutableArray();
        return Task.FromResult<TagResolution?>(new TagResolution(latest.Target, latest.AdvertisedAt, holders));
    }

    /// <inheritdoc/>
    public Task<ImmutableArray<TagAdvertisement>> ListAsync()
    {
        DropStale();

        return Task.FromResult(LiveClaims().ToImmutableArray());
    }

    private void Store(TagAdvertisement claim)
    {
        var previous = _claims.GetValueOrDefault(claim.Holder.Node);
        _claims[claim.Holder.Node] = claim;
        DelayDeactivation(_ttl);

        if (previous is not null && previous.Target.Digest != claim.Target.Digest)
        {
            LogDebugTagMoved(logger, Tag, claim.Holder.Node, previous.Target.Digest, claim.Target.Digest);
        }
    }

    /// <summary>Claims whose silo is active, ordered by node name.</summary>
    private List<TagAdvertisement> LiveClaims()
    {
        var snapshot = membership.CurrentSnapshot;
        return _claims.Values
            .Where(claim => SiloLiveness.Of(snapshot, claim.Holder.Silo) == HolderLiveness.Live)
            .OrderBy(claim => claim.Holder.Node, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Removes expired claims and claims of dead silos, and lets the activation be collected once none is left.
    /// </summary>
    private void DropStale()
    {
        var snapshot = membership.CurrentSnapshot;
        var now = timeProvider.GetUtcNow();
        var dropped = 0;

        // Dictionary.Remove does not invalidate a running enumeration, so stale entries go in one pass.
        foreach (var (node, claim) in _claims)
        {
            if (IsStale(claim, snapshot, now, _ttl) && _claims.Remove(node))
            {
                dropped++;
            }
        }

        if (dropped > 0)
        {
            LogDebugTagClaimsDropped(logger, Tag, dropped);
        }

        if (_claims.Count == 0)
        {
            // Zero cancels an earlier keep-alive: an empty grain is collected like any idle activation.
            DelayDeactivation(TimeSpan.Zero);
        }

        static bool IsStale(
            TagAdvertisement claim,
            ClusterMembershipSnapshot snapshot,
            DateTimeOffset now,
            TimeSpan ttl) =>
            now - claim.RefreshedAt >= ttl || SiloLiveness.Of(snapshot, claim.Holder.Silo) == HolderLiveness.Gone;
    }

    [LoggerMessage(EventId = GrainsEventIds.TagAdvertised, EventName = "TagAdvertised", Level = LogLevel.Debug,
        Message = "Node {Node} advertised {Tag} as {Digest}")]
    private static partial void LogDebugTagAdvertised(ILogger logger, string tag, string node, string digest);

    [LoggerMessage(EventId = GrainsEventIds.TagWithdrawn, EventName = "TagWithdrawn", Level = LogLevel.Debug,
        Message = "Node {Node} withdrew {Tag}")]
    private static partial void LogDebugTagWithdrawn(ILogger logger, string tag, string node);

    [LoggerMessage(EventId = GrainsEventIds.TagMoved, EventName = "TagMoved", Level = LogLevel.Debug,
        Message = "Node {Node} moved {Tag} from {PreviousDigest} to {Digest}")]
    private static partial void LogDebugTagMoved(
        ILogger logger,
        string tag,
        string node,
        string previousDigest,
        string digest);

    [LoggerMessage(EventId = GrainsEventIds.TagClaimsDropped, EventName = "TagClaimsDropped", Level = LogLevel.Debug,
        Message = "Dropped {Count} expired or dead claims of {Tag}")]
    private static partial void LogDebugTagClaimsDropped(ILogger logger, string tag, int count);
}
