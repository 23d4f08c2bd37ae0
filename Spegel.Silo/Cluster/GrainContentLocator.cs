using Spegel.Grains.Holders;
using Spegel.Grains.Tags;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;
using Spegel.Registry.Mirroring;
using Spegel.Silo.Hosting;

namespace Spegel.Silo.Cluster;

/// <summary>
/// The registry's view of the cluster index, on the digest and tag grains. Lists only other nodes; answers
/// "nobody" while this node's silo is not in the cluster, so that the endpoint gives a fast 404 meanwhile.
/// </summary>
/// <remarks>
/// Every grain call is bounded by <see cref="LookupTimeout"/>: a call to a grain whose silo just died waits until
/// membership declares the silo dead, and the registry must answer long before that. A timeout is thrown as a
/// <see cref="TimeoutException"/>, which the mirror answers with a 404.
/// </remarks>
internal sealed partial class GrainContentLocator(
    ClusterState cluster, NodeSettings settings, ILogger<GrainContentLocator> logger) : IContentLocator
{
    internal static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(1);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<PeerHolder>> FindHoldersAsync(
        Digest digest,
        CancellationToken cancellationToken)
    {
        if (cluster.Current is not { } connection)
        {
            return [];
        }

        var records = await connection.GrainFactory.GetGrain<IDigestGrain>(digest.Value).ListAsync()
            .WaitAsync(LookupTimeout, cancellationToken);
        return records.Select(record => record.Holder).Where(IsPeer).Select(ToPeer).OfType<PeerHolder>().ToList();
    }

    /// <inheritdoc/>
    public async ValueTask<TagLocation?> ResolveTagAsync(ImageName name, CancellationToken cancellationToken)
    {
        if (cluster.Current is not { } connection)
        {
            return null;
        }

        var resolution = await connection.GrainFactory.GetGrain<ITagGrain>(name.ToString()).ResolveAsync()
            .WaitAsync(LookupTimeout, cancellationToken);
        if (resolution is null || !Digest.TryParse(resolution.Target.Digest, out var digest))
        {
            return null;
        }

        var target = new ContentDescriptor(digest, resolution.Target.Size,
            string.IsNullOrEmpty(resolution.Target.MediaType) ? null : resolution.Target.MediaType);
        var holders = resolution.Holders.Where(IsPeer).Select(ToPeer).OfType<PeerHolder>().ToList();

        // The tag grain lists the nodes that named this target; any other holder of the digest serves as well.
        if (holders.Count == 0)
        {
            holders = [.. await FindHoldersAsync(digest, cancellationToken)];
        }

        return new TagLocation(target, holders);
    }

    /// <inheritdoc/>
    public async ValueTask ReportCorruptHolderAsync(
        Digest digest,
        PeerHolder holder,
        CancellationToken cancellationToken)
    {
        if (cluster.Current is not { } connection)
        {
            return;
        }

        LogCorruptHolderWithdrawn(logger, holder.Node, digest);
        await connection.GrainFactory.GetGrain<IDigestGrain>(digest.Value).RejectCorruptAsync(holder.Node)
            .WaitAsync(LookupTimeout, cancellationToken);
    }

    private bool IsPeer(Holder holder) => !string.Equals(holder.Node, settings.NodeName, StringComparison.Ordinal);

    private PeerHolder? ToPeer(Holder holder) =>
        Uri.TryCreate(holder.Endpoint, UriKind.Absolute, out var endpoint)
            ? new PeerHolder(holder.Node, endpoint)
            : null;

    [LoggerMessage(EventId = SiloEventIds.LocatorFailed, EventName = "CorruptHolderWithdrawn", Level = LogLevel.Warning,
        Message = "Withdrawing {Node} as a holder of {Digest}: it served bytes that do not match the digest")]
    private static partial void LogCorruptHolderWithdrawn(ILogger logger, string node, Digest digest);
}
