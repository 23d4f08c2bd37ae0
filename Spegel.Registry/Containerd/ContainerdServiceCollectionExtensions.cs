using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spegel.Registry.Content;

namespace Spegel.Registry.Containerd;

/// <summary>Registers the containerd-backed content store.</summary>
public static class ContainerdServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IContentStore"/> as containerd's content store, with one gRPC channel to containerd per
    /// process. Existing registrations of the store, the client and <see cref="TimeProvider"/> are kept.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options; see <see cref="ContainerdStoreOptions"/> for the defaults.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddContainerdContentStore(
        this IServiceCollection services,
        Action<ContainerdStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<ContainerdStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => !string.IsNullOrEmpty(o.SocketPath), "containerd's socket path must be set.")
            .Validate(o => !string.IsNullOrEmpty(o.Namespace), "containerd's namespace must be set.")
            .Validate(o => o.CallTimeout > TimeSpan.Zero, "The containerd call timeout must be positive.");

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IContainerdClient, GrpcContainerdClient>();
        services.TryAddSingleton<IContentStore, ContainerdContentStore>();
        return services;
    }
}
