using System.Collections.Concurrent;

namespace Spegel.Grains.Holders;

/// <summary>
/// Hands out one shared <see cref="Holder"/> instance per distinct holder in a silo. Every advertisement that crosses
/// silos arrives as a freshly deserialised holder with its own strings; a digest grain that keeps the shared instance
/// instead stores a reference, not about 160 bytes of copies, for each of the node's records.
/// </summary>
/// <remarks>
/// A cluster has one holder per node, plus one each time a node restarts in a new silo. The table is emptied when it
/// reaches <see cref="MaxHolders"/>, so holders of nodes that left cannot accumulate; after that, records simply share
/// less until the table has filled again. Nothing depends on two equal holders being the same instance.
/// </remarks>
internal sealed class HolderInterner
{
    /// <summary>Far more nodes than a cluster has; the table then holds about 4 MiB at most.</summary>
    internal const int MaxHolders = 16_384;

    private readonly ConcurrentDictionary<Holder, Holder> _holders = new();

    /// <summary>
    /// Returns the shared instance equal to <paramref name="holder"/>, making it the shared one if none is.
    /// </summary>
    public Holder Intern(Holder holder)
    {
        ArgumentNullException.ThrowIfNull(holder);

        if (_holders.TryGetValue(holder, out var shared))
        {
            return shared;
        }

        if (_holders.Count >= MaxHolders)
        {
            _holders.Clear();
        }

        return _holders.GetOrAdd(holder, holder);
    }
}
