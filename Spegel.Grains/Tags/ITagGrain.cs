using System.Collections.Immutable;
using Spegel.Grains.Holders;

namespace Spegel.Grains.Tags;

/// <summary>
/// What one image name names on each node. The key is <c>registry/repository:tag</c>, for example
/// <c>docker.io/library/nginx:1.27</c>; the grain does not parse it.
/// </summary>
/// <remarks>State lives in memory only and is restored by the agents' advertisements.</remarks>
public interface ITagGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records that on <paramref name="holder"/>'s node the tag names <paramref name="target"/>, and stamps the claim
    /// as the newest advertisement. Call it when a node starts naming a target (image created or updated).
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    Task AdvertiseAsync(Holder holder, TagTarget target);

    /// <summary>
    /// Keeps the claim of <paramref name="holder"/>'s node alive without making it the newest advertisement. When the
    /// node has no claim yet, or its claim names another target, this is an advertisement. Periodic resyncs call it,
    /// so that a node still reporting an old target does not take the tag back from a newer one.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    Task RefreshAsync(Holder holder, TagTarget target);

    /// <summary>
    /// Removes the claim of <paramref name="node"/>. Withdrawing a node without a claim is not an error.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="node"/> is null or empty.</exception>
    Task WithdrawAsync(string node);

    /// <summary>
    /// Resolves the tag to its most recently advertised target among live claims, with every live node that names
    /// that target. Returns <see langword="null"/> when no live node names the tag.
    /// </summary>
    Task<TagResolution?> ResolveAsync();

    /// <summary>Lists every live claim, ordered by node name; for diagnostics.</summary>
    Task<ImmutableArray<TagAdvertisement>> ListAsync();
}
