using Microsoft.Extensions.DependencyInjection.Extensions;
using Spegel.Registry.Content;
using Spegel.Registry.Content.OciLayout;
using Spegel.Registry.Http;
using Spegel.Silo.Cli;

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
                throw new NotSupportedException("The containerd store is not available in this build.");
        }

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
