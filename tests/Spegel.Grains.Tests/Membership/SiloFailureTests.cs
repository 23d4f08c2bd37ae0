using Spegel.Grains.Holders;
using Spegel.Grains.Membership;
using Spegel.Grains.Tags;
using Spegel.Grains.Tests.Infrastructure;

namespace Spegel.Grains.Tests.Membership;

/// <summary>
/// Kills a silo without warning and checks that membership, not the TTL, removes its node from every lookup. The
/// cluster is this class's own, with failure detection tuned to seconds, and the index clock never moves, so only
/// membership can explain a record disappearing.
/// </summary>
public sealed class SiloFailureTests : IAsyncLifetime
{
    private const int Digests = 12;

    /// <summary>Detection takes about ProbeTimeout x NumMissedProbesLimit plus gossip; the rest is headroom for a busy machine.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private IndexCluster? _index;

    private IndexCluster Index => _index!;

    public async ValueTask InitializeAsync() => _index = await IndexCluster.StartAsync(fastFailureDetection: true);

    public async ValueTask DisposeAsync()
    {
        if (_index is not null)
        {
            await _index.DisposeAsync();
        }
    }

    [Fact]
    public async Task KilledSilo_HoldersAndTagClaimsDisappearFromLookupsWithinDetectionTime()
    {
        var survivor = Index.HolderOn(0, "node-a");
        var doomed = Index.HolderOn(2, "node-c");
        var doomedSilo = Index.Cluster.Silos[2];
        var digests = new List<IDigestGrain>();
        for (var i = 0; i < Digests; i++)
        {
            var grain = Index.Grains.GetGrain<IDigestGrain>(TestKeys.Digest());
            await grain.AdvertiseAsync(survivor);
            await grain.AdvertiseAsync(doomed);
            digests.Add(grain);
        }

        var tag = Index.Grains.GetGrain<ITagGrain>(TestKeys.Tag());
        await tag.AdvertiseAsync(survivor, Target('a'));
        Index.Clock.Advance(TimeSpan.FromSeconds(1));
        await tag.AdvertiseAsync(doomed, Target('b'));

        // Grains activated in the doomed silo lose their state with it; only the others can show membership at work.
        var watched = digests.Where(grain => Index.ActivationSilo(grain) != doomedSilo.SiloAddress).ToList();
        var tagSurvives = Index.ActivationSilo(tag) != doomedSilo.SiloAddress;
        Assert.NotEmpty(watched);
        Assert.All(await Task.WhenAll(watched.Select(grain => grain.ListAsync())), holders => Assert.Equal(2, holders.Length));
        Assert.Equal(Target('b'), (await tag.ResolveAsync())?.Target);

        await Index.Cluster.KillSiloAsync(doomedSilo, TestContext.Current.CancellationToken);
        var detection = await Eventually.HoldsAsync(OnlySurvivorListedAsync, Deadline, "holders of the killed silo are still listed");
        TestContext.Current.TestOutputHelper?.WriteLine($"Holders of the killed silo disappeared after {detection}.");
        var resolution = await tag.ResolveAsync();
        var activeSilos = await Index.Grains.GetGrain<IClusterViewGrain>(IClusterViewGrain.Key).ListActiveSilosAsync();

        Assert.All(await Task.WhenAll(watched.Select(grain => grain.ListAsync())), holders => Assert.Equal(survivor, Assert.Single(holders).Holder));
        Assert.DoesNotContain(doomedSilo.SiloAddress, activeSilos.Select(view => view.Silo));
        if (tagSurvives)
        {
            Assert.Equal(Target('a'), resolution?.Target);
            Assert.Equal(survivor, Assert.Single(resolution!.Holders));
        }
        else
        {
            Assert.Null(resolution);
        }

        async Task<bool> OnlySurvivorListedAsync()
        {
            var lists = await Task.WhenAll(watched.Select(grain => grain.ListAsync()));
            return lists.All(holders => holders.Length == 1 && holders[0].Holder == survivor);
        }
    }

    private static TagTarget Target(char hex) =>
        new("sha256:" + new string(hex, 64), "application/vnd.oci.image.index.v1+json", 1234);
}
