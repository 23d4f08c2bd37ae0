using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Dashboard;
using Spegel.Grains.Hosting;
using Spegel.Registry.Content;
using Spegel.Silo.Agent;
using Spegel.Silo.Cli;
using Spegel.Silo.Hosting;
using StackExchange.Redis;

namespace Spegel.Silo.Cluster;

/// <summary>
/// Runs this node's Orleans silo in a host of its own, so that the registry endpoint serves local content from the
/// first second even while the cluster cannot be joined (e.g. Redis is down): the silo is started, and started again
/// with backoff whenever it fails to start or stops on its own, until the node shuts down.
/// </summary>
/// <remarks>
/// The inventory agent runs inside the silo's host, after the silo: it advertises once the silo is active and
/// withdraws before the silo leaves the cluster.
/// </remarks>
internal sealed partial class SiloRunner(
    NodeSettings settings,
    IContentStore store,
    ClusterState state,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider,
    ILogger<SiloRunner> logger) : BackgroundService
{
    private static readonly TimeSpan MinRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan SlowJoinReport = TimeSpan.FromSeconds(10);

    private IHost? _silo;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = MinRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var host = BuildSiloHost();
            state.Left($"joining the cluster ({DescribeClustering()})");
            try
            {
                await StartReportingSlowJoinAsync(host, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                var clustering = DescribeClustering();
                var reason = ex.GetBaseException().Message;
                LogSiloStartFailed(logger, clustering, reason, delay);
                LogSiloStartFailure(logger, ex);
                state.Left($"cannot join the cluster ({clustering}): {reason}");
                await DisposeQuietlyAsync(host);
                await DelayAsync(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                continue;
            }
            catch (OperationCanceledException)
            {
                await DisposeQuietlyAsync(host);
                return;
            }

            _silo = host;
            delay = MinRetryDelay;
            var services = host.Services;
            var siloAddress = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
            var agent = services.GetServices<IHostedService>().OfType<InventoryAgent>().Single();
            state.Joined(new ClusterState.Connection(services.GetRequiredService<IGrainFactory>(),
                services.GetRequiredService<IClusterMembershipService>(), siloAddress, () => agent.AdvertisedCounts,
                DashboardPipeline.Build(services)));
            LogSiloJoined(logger, siloAddress, settings.Clustering);

            await host.WaitForShutdownAsync(stoppingToken);
            if (!stoppingToken.IsCancellationRequested)
            {
                LogSiloStopped(logger);
                state.Left("the silo stopped; restarting");
                _silo = null;
                await DisposeQuietlyAsync(host);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var host = _silo;
        if (host is null)
        {
            return;
        }

        state.Left("stopping");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StopTimeout);
        try
        {
            await host.StopAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // The stop deadline passed: leave as we are, the cluster will declare the silo dead.
        }

        await DisposeQuietlyAsync(host);
    }

    private IHost BuildSiloHost()
    {
        var builder = Host.CreateApplicationBuilder(
            new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "spegel-silo" });
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(timeProvider);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = StopTimeout);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = settings.ClusterId;
                options.ServiceId = settings.ServiceId;
            });
            silo.Configure<SiloOptions>(options => options.SiloName = settings.NodeName);
            ConfigureClustering(silo);
            silo.AddSpegelGrains(options => options.HolderTtl = settings.HolderTtl);
            silo.AddDashboard();
        });
        DashboardPipeline.AddServices(builder.Services);
        builder.Services.AddHostedService<InventoryAgent>();
        return builder.Build();
    }

    private void ConfigureClustering(ISiloBuilder silo)
    {
        if (settings.Clustering == ClusteringKind.Localhost)
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
            return;
        }

        silo.ConfigureEndpoints(
            NodeHost.AdvertisedAddress(settings), settings.SiloPort, settings.GatewayPort,
            listenOnAnyHostAddress: true);
        silo.UseRedisClustering(options =>
        {
            var configuration = ConfigurationOptions.Parse(settings.Redis!);
            configuration.AbortOnConnectFail = false;
            configuration.ConnectTimeout = 3000;
            options.ConfigurationOptions = configuration;
        });
        if (KubernetesEnvironment.IsPresent())
        {
            silo.UseKubernetesHosting();
        }
    }

    /// <summary>
    /// Starts the silo host. Joining waits for the membership table (e.g. Redis) without giving up; an operator is told
    /// plainly, every <see cref="SlowJoinReport"/>, that the node is still not in the cluster and why that may be.
    /// </summary>
    private async Task StartReportingSlowJoinAsync(IHost host, CancellationToken stoppingToken)
    {
        var start = host.StartAsync(stoppingToken);
        var waited = TimeSpan.Zero;
        while (!start.IsCompleted)
        {
            var report = Task.Delay(SlowJoinReport, timeProvider, stoppingToken);
            if (await Task.WhenAny(start, report) == report && !start.IsCompleted)
            {
                waited += SlowJoinReport;
                LogSiloJoinSlow(logger, waited, DescribeClustering());
            }
        }

        await start;
    }

    private string DescribeClustering() => settings.Clustering == ClusteringKind.Localhost
        ? "localhost"
        : $"redis {settings.Redis}";

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the loop ends.
        }
    }

    private static async Task DisposeQuietlyAsync(IHost host)
    {
        try
        {
            if (host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                host.Dispose();
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException
            or OperationCanceledException)
        {
            // A host that failed half-way may refuse a second dispose; nothing is left to release.
        }
    }

    [LoggerMessage(EventId = SiloEventIds.SiloJoined, EventName = nameof(SiloEventIds.SiloJoined),
        Level = LogLevel.Information,
        Message = "Silo {SiloAddress} joined the cluster ({Clustering})")]
    private static partial void LogSiloJoined(ILogger logger, SiloAddress siloAddress, ClusteringKind clustering);

    [LoggerMessage(EventId = SiloEventIds.SiloStartFailed, EventName = nameof(SiloEventIds.SiloStartFailed),
        Level = LogLevel.Error,
        Message = "The silo could not join the cluster ({Clustering}): {Reason}. "
            + "Local content is still served, everything else is a 404. Retrying in {Delay}")]
    private static partial void LogSiloStartFailed(ILogger logger, string clustering, string reason, TimeSpan delay);

    [LoggerMessage(EventId = SiloEventIds.SiloStartFailure, EventName = nameof(SiloEventIds.SiloStartFailure),
        Level = LogLevel.Debug,
        Message = "The silo start failure in full")]
    private static partial void LogSiloStartFailure(ILogger logger, Exception exception);

    [LoggerMessage(EventId = SiloEventIds.SiloJoinSlow, EventName = nameof(SiloEventIds.SiloJoinSlow),
        Level = LogLevel.Error,
        Message = "Not in the cluster after {Waited}: the membership store ({Clustering}) does not answer. "
            + "Local content is still served, everything else is a 404; still trying")]
    private static partial void LogSiloJoinSlow(ILogger logger, TimeSpan waited, string clustering);

    [LoggerMessage(EventId = SiloEventIds.SiloStopped, EventName = nameof(SiloEventIds.SiloStopped),
        Level = LogLevel.Warning,
        Message = "The silo stopped on its own (e.g. the cluster declared it dead); starting it again")]
    private static partial void LogSiloStopped(ILogger logger);
}
