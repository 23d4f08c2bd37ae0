using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using Spegel.Grains.Hosting;

namespace Spegel.Bench.Index.Simulation;

/// <summary>
/// An in-process cluster configured like production: <see cref="GrainsSiloBuilderExtensions.AddSpegelGrains"/> with
/// default index options, the system clock, Orleans' default membership, messaging and collection settings, and
/// Orleans' logging filtered to warnings as spegel does. Messages between silos are serialised, as between processes.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(60);

    private BenchCluster(InProcessTestCluster cluster, IReadOnlyList<InProcessSiloHandle> silos)
    {
        Cluster = cluster;
        Silos = silos;
    }

    public InProcessTestCluster Cluster { get; }

    /// <summary>The silos as started; a lost silo stays in this list so that indexes stay stable.</summary>
    public IReadOnlyList<InProcessSiloHandle> Silos { get; }

    public static async Task<BenchCluster> StartAsync(int silos, CancellationToken cancellationToken)
    {
        var builder = new InProcessTestClusterBuilder(checked((short)silos));
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddSpegelGrains());
        builder.ConfigureSiloHost((_, host) => ConfigureLogging(host.Logging));
        builder.ConfigureClientHost(host => ConfigureLogging(host.Logging));

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync(cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new BenchCluster(cluster, [.. cluster.Silos]);
    }

    /// <summary>The grain factory of silo <paramref name="silo"/>, as code co-hosted in that silo uses it.</summary>
    public IGrainFactory GrainsOf(int silo) => Silos[silo].ServiceProvider.GetRequiredService<IGrainFactory>();

    /// <summary>Whether every silo other than <paramref name="lost"/> sees <paramref name="lost"/> as dead.</summary>
    public bool SurvivorsSeeDead(int lost)
    {
        var address = Silos[lost].SiloAddress;
        return Enumerable.Range(0, Silos.Count)
            .Where(silo => silo != lost)
            .All(silo => Silos[silo].ServiceProvider.GetRequiredService<IClusterMembershipService>()
                .CurrentSnapshot.GetSiloStatus(address) == SiloStatus.Dead);
    }

    public async ValueTask DisposeAsync()
    {
        // Disposal stops the remaining silos; a silo that hangs must not hang the benchmark.
        var dispose = Cluster.DisposeAsync().AsTask();
        await Task.WhenAny(dispose, Task.Delay(DisposeTimeout, TimeProvider.System));
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Warning);

        // As in spegel: the watchdog's start-up warnings say nothing about the index.
        logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);

        // Standard error, so that standard output carries nothing but the results.
        logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
            options.UseUtcTimestamp = true;
        });
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options =>
            options.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
