using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Spegel.Registry.Http;
using Spegel.Silo.Cluster;
using Spegel.Silo.Operations;

namespace Spegel.Silo.Hosting;

/// <summary>
/// Builds and runs one node: Kestrel with the registry listener and the operations listener, the content store,
/// and the Orleans silo, in one host.
/// </summary>
internal static class NodeHost
{
    // Large enough for the hostile-input cases (a 64 KiB header still reaches the handler and gets an OCI error body);
    // Kestrel's own 32 KiB default would answer such a request with a bare 431.
    private const int MaxRequestHeadersTotalSize = 128 * 1024;

    public static async Task<int> RunAsync(NodeSettings settings, CancellationToken cancellationToken)
    {
        await using var app = Build(settings);
        await app.RunAsync(cancellationToken);
        return 0;
    }

    public static WebApplication Build(NodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "spegel" });
        ConfigureLogging(builder.Logging, settings);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
            kestrel.Listen(settings.RegistryEndPoint);
            kestrel.Listen(settings.OpsEndPoint);
        });
        builder.Services.AddSingleton(settings);
        builder.Services.AddSpegelContentStore(settings);
        builder.Services.AddSpegelRegistryEndpoint(settings);
        builder.Services.AddSpegelCluster(settings);
        builder.Services.AddSpegelTelemetry();
        builder.Services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"])
            .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);

        var app = builder.Build();
        var registry = app.Services.GetRequiredService<RegistryHandler>();
        var registryPort = settings.RegistryEndPoint.Port;

        // The registry listener gets nothing but the registry handler: no routing, no other endpoint.
        app.Use(next => context => context.Connection.LocalPort == registryPort
            ? registry.HandleAsync(context)
            : next(context));
        var cluster = app.Services.GetRequiredService<ClusterState>();
        app.Use(next => context => context.Request.Path.StartsWithSegments(DashboardPipeline.Prefix)
            ? ServeDashboardAsync(context, cluster)
            : next(context));
        app.UseRouting();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        app.MapLookupEndpoints();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapDebugPage();
        return app;
    }

    private static Task ServeDashboardAsync(HttpContext context, ClusterState cluster)
    {
        if (cluster.Current is { } connection)
        {
            return connection.Dashboard(context);
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return context.Response.WriteAsync($"The silo is not running: {cluster.Status}", context.RequestAborted);
    }

    /// <summary>The address peers use to reach this node.</summary>
    public static IPAddress AdvertisedAddress(NodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.AdvertiseAddress is not null)
        {
            return settings.AdvertiseAddress;
        }

        if (settings.Clustering == Cli.ClusteringKind.Localhost)
        {
            return IPAddress.Loopback;
        }

        return Dns.GetHostAddresses(Dns.GetHostName())
            .FirstOrDefault(address =>
                address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
            ?? IPAddress.Loopback;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, NodeSettings settings)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(settings.LogLevel);

        // Orleans and ASP.NET Core are chatty at Information; their warnings still show.
        logging.AddFilter("Orleans", LogLevel.Warning);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Polly", LogLevel.Warning);

        // A silo that cannot join is reported once per attempt by the silo runner; the host and Orleans' lifecycle
        // would repeat the same failure with a stack trace several times over.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        logging.AddFilter("Orleans.Runtime.SiloLifecycleSubject", LogLevel.Critical);
        logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Critical);

        // Orleans 10.4.2's watchdog warns about "participant check" delays measured from before the silo existed
        // whenever a silo host is started again in the same process; the warning says nothing about this node.
        logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        if (settings.LogFormat == LogFormat.Json)
        {
            logging.AddJsonConsole(options => options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
        }
        else
        {
            logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
                options.UseUtcTimestamp = true;
            });
        }
    }
}
