using System.Collections.Immutable;

namespace Spegel.Grains.Membership;

/// <summary>
/// The cluster's membership as the silo that answers sees it, for diagnostics such as the debug page. A stateless
/// worker: it answers from the caller's own silo. Use any key; by convention <see cref="Key"/>.
/// </summary>
public interface IClusterViewGrain : IGrainWithIntegerKey
{
    /// <summary>The conventional key of the cluster view grain.</summary>
    const long Key = 0;

    /// <summary>Lists the silos that are active now, ordered by name.</summary>
    Task<ImmutableArray<SiloView>> ListActiveSilosAsync();

    /// <summary>Lists every silo membership knows, dead ones included, ordered by name.</summary>
    Task<ImmutableArray<SiloView>> ListSilosAsync();
}
