using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.TestingHost;
using Spegel.Grains.Holders;
using Spegel.Grains.Hosting;

namespace Spegel.Grains.Tests.Infrastructure;

/// <summary>
/// A three-silo in-process cluster running the Spegel grains, with a fake index clock shared by all silos and a short
/// grain collection age so that idle collection can be observed within seconds.
/// </summary>
public sealed class IndexCluster : IAsyncDisposable
{
    /// <summary>Idle activations are collected after this long (Orleans' default is 15 minutes).</summary>
    public static readonly TimeSpan CollectionAge = TimeSpan.FromSeconds(2);

    /// <summary>The fake clock starts here, so record times in assertions are easy to read.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private IndexCluster(InProcessTestCluster cluster, FakeTimeProvider clock)
    {
        Cluster = cluster;
        Clock = clock;
    }

    public InProcessTestCluster Cluster { get; }

    /// <summary>The index clock of every silo; Orleans' own timers keep real time.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>A grain factory that outlives any one silo: the one of the first silo, which tests never stop.</summary>
    public IGrainFactory Grains => Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();

    /// <summary>Starts a cluster; <paramref name="fastFailureDetection"/> makes membership declare a killed silo dead within seconds.</summary>
    public static async Task<IndexCluster> StartAsync(bool fastFailureDetection = false)
    {
        var clock = new FakeTimeProvider(Epoch);
        var builder = new InProcessTestClusterBuilder(3);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSpegelGrains();
            silo.Services.AddKeyedSingleton<TimeProvider>(IndexTimeProvider.Key, clock);
            silo.Configure<GrainCollectionOptions>(options =>
            {
                options.CollectionAge = CollectionAge;
                options.CollectionQuantum = TimeSpan.FromMilliseconds(500);
            });
            if (fastFailureDetection)
            {
                silo.Configure<ClusterMembershipOptions>(ConfigureFastFailureDetection);
                silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(5));
            }
        });

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new IndexCluster(cluster, clock);
    }

    /// <summary>A holder for a node that runs in silo number <paramref name="silo"/>.</summary>
    public Holder HolderOn(int silo, string node) =>
        new(node, $"http://10.0.0.{silo + 1}:5000", Cluster.Silos[silo].SiloAddress);

    /// <summary>The silo a grain is activated in, or <see langword="null"/> when it has no activation.</summary>
    public SiloAddress? ActivationSilo(IAddressable grain) =>
        Cluster.TryGetGrainContext(grain.GetGrainId(), out var context) ? context.Address.SiloAddress : null;

    /// <summary>A silo address that shares silo <paramref name="silo"/>'s endpoint with an older generation: a dead predecessor.</summary>
    public SiloAddress PredecessorOf(int silo)
    {
        var address = Cluster.Silos[silo].SiloAddress;
        return SiloAddress.New(address.Endpoint, address.Generation - 1);
    }

    /// <summary>A silo address that membership has never seen.</summary>
    public static SiloAddress UnknownSilo() => SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.99.0.1"), 11111), 1);

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();

    private static void ConfigureFastFailureDetection(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromMilliseconds(500);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 1;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
    }
}
