using Microsoft.Extensions.DependencyInjection.Extensions;
using Spegel.Registry.Content;
using Spegel.Registry.Content.OciLayout;
using Spegel.Registry.Http;
using OpenTelemetry.Metrics;
using Spegel.Silo.Cli;
using Spegel.Silo.Cluster;
using Spegel.Registry.Containerd;
using Spegel.Registry.Mirroring;

namespace Spegel.Silo.Hosting;

/// <summary>Registers the node's subsystems; the composition root calls one method per subsystem.</summary>
internal static class NodeServiceCollectionExtensions
{
    /// <summary>The content store chosen by <c>--store</c>.</summary>
    public static IServiceCollection AddSpegelContentStore(this IServiceCollection services, NodeSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        switch (settings.Store.Kind)
        {
            case StoreKind.OciLayout:
                services.Configure<OciLayoutStoreOptions>(options =>
                {
                    options.Path = settings.Store.Path!;
                    options.DefaultRegistry = settings.DefaultRegistry;
                });
                services.TryAddSingleton<IContentStore, OciLayoutStore>();
                break;
            default:
                services.AddContainerdContentStore(options =>
                {
                    options.SocketPath = settings.ContainerdSocket;
                    options.Namespace = settings.ContainerdNamespace;
                    options.ContentPath = settings.ContainerdContentPath;
                });
                break;
        }

        return services;
    }

    /// <summary>
    /// The silo (in a host of its own, restarted until it joins) and the cluster's index as the registry sees it.
    /// </summary>
    public static IServiceCollection AddSpegelCluster(this IServiceCollection services, NodeSettings settings)
    {
        services.TryAddSingleton<ClusterState>();
        services.TryAddSingleton<IContentLocator, GrainContentLocator>();
        services.AddPeerMirror(options =>
        {
            options.ResolveTags = settings.ResolveTags;
            options.MirroredRegistries = settings.MirroredRegistries;
            options.RegistryFilters = settings.RegistryFilters;
            options.PeerTimeout = settings.PeerTimeout;
            options.MaxHoldersTried = settings.MirrorResolveRetries;
            options.ManifestBudget = settings.MirrorBudget;
        });
        services.AddHostedService<SiloRunner>();
        return services;
    }

    /// <summary>Metrics (Prometheus format on the ops listener) and the journal of recent registry decisions.</summary>
    public static IServiceCollection AddSpegelTelemetry(this IServiceCollection services)
    {
        services.TryAddSingleton<RequestJournal>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RegistryMetrics.MeterName, Agent.AgentMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>The registry endpoint's handler and options.</summary>
    public static IServiceCollection AddSpegelRegistryEndpoint(this IServiceCollection services, NodeSettings settings)
    {
        services.Configure<RegistryOptions>(options => options.DefaultRegistry = settings.DefaultRegistry);
        services.TryAddSingleton<RegistryHandler>();
        return services;
    }
}
