using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Spegel.Grains.Membership;

/// <summary>Answers from the local silo's current membership snapshot.</summary>
[StatelessWorker]
internal sealed class ClusterViewGrain(IClusterMembershipService membership) : Grain, IClusterViewGrain
{
    /// <inheritdoc/>
    public Task<ImmutableArray<SiloView>> ListActiveSilosAsync() =>
        Task.FromResult(View(static member => member.Status == SiloStatus.Active));

    /// <inheritdoc/>
    public Task<ImmutableArray<SiloView>> ListSilosAsync() => Task.FromResult(View(static _ => true));

    private ImmutableArray<SiloView> View(Func<ClusterMember, bool> include) =>
        membership.CurrentSnapshot.Members.Values
            .Where(include)
            .OrderBy(member => member.Name, StringComparer.Ordinal)
            .Select(member => new SiloView(member.SiloAddress, member.Name, member.Status))
            .ToImmutableArray();
}
