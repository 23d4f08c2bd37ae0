using System.Collections.Immutable;

namespace Spegel.Grains.Holders;

/// <summary>
/// The nodes that hold one piece of content. The key is the digest, for example <c>sha256:&lt;hex&gt;</c>, exactly as
/// the registry spells it; the grain does not parse it.
/// </summary>
/// <remarks>
/// State lives in memory only. It is lost with the silo that hosts the grain and restored by the next advertisements.
/// </remarks>
public interface IDigestGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records that <paramref name="holder"/> has the content, or refreshes its record. A node that advertises again
    /// from another silo or endpoint replaces its earlier record.
    /// </summary>
    /// <param name="holder">The node that has the content.</param>
    /// <exception cref="ArgumentNullException"><paramref name="holder"/> is <see langword="null"/>.</exception>
    Task AdvertiseAsync(Holder holder);

    /// <summary>
    /// Removes the record of <paramref name="node"/>. Withdrawing a node that holds nothing is not an error.
    /// </summary>
    /// <param name="node">The node's name, as in <see cref="Holder.Node"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="node"/> is null or empty.</exception>
    Task WithdrawAsync(string node);

    /// <summary>
    /// Removes <paramref name="node"/>, which served bytes that do not match the digest, and refuses its
    /// advertisements of this digest for the holder TTL: its agent would otherwise list it again at the next resync,
    /// while the bad file is still there. The node's own withdrawal (its store dropped the content) lifts the refusal.
    /// </summary>
    /// <param name="node">The node's name, as in <see cref="Holder.Node"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="node"/> is null or empty.</exception>
    Task RejectCorruptAsync(string node);

    /// <summary>
    /// Lists the holders that are alive: refreshed within the TTL and running in an active silo. Ordered by node name.
    /// An empty list means no live node holds the content.
    /// </summary>
    Task<ImmutableArray<HolderRecord>> ListAsync();
}
