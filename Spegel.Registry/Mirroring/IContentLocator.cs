using Spegel.Registry.Distribution;

namespace Spegel.Registry.Mirroring;

/// <summary>
/// The cluster's index as the registry endpoint sees it: who else holds a digest, and what a tag names. The silo
/// implements it on grains; this assembly never knows how. Implementations never list this node itself, answer
/// "nobody" with an empty list or <see langword="null"/>, and throw only when the index itself cannot be reached.
/// </summary>
public interface IContentLocator
{
    /// <summary>Nodes other than this one that hold <paramref name="digest"/>, in no particular order.</summary>
    ValueTask<IReadOnlyList<PeerHolder>> FindHoldersAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// What <paramref name="name"/> names in the cluster, or <see langword="null"/> when no node has it.
    /// </summary>
    ValueTask<TagLocation?> ResolveTagAsync(ImageName name, CancellationToken cancellationToken);

    /// <summary>
    /// Reports that <paramref name="holder"/> served bytes that do not match <paramref name="digest"/>, so that it is
    /// no longer offered for it.
    /// </summary>
    ValueTask ReportCorruptHolderAsync(Digest digest, PeerHolder holder, CancellationToken cancellationToken);
}
