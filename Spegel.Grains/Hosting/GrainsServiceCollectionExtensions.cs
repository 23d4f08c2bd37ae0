using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spegel.Grains.Holders;

namespace Spegel.Grains.Hosting;

/// <summary>Registers what the Spegel grains need in a silo's services.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IndexOptions"/> (with validation), the system <see cref="TimeProvider"/> unless one is
    /// registered, the index clock under <see cref="IndexTimeProvider.Key"/>, which follows the unkeyed
    /// <see cref="TimeProvider"/> unless that key is registered separately, and the silo's shared table of holders.
    /// Safe to call more than once.
    /// </summary>
    /// <param name="services">The silo's services.</param>
    /// <param name="configure">Changes to the index options, if any.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddSpegelGrains(
        this IServiceCollection services,
        Action<IndexOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<IndexOptions>()
            .Validate(static o => o.HolderTtl > TimeSpan.Zero, "IndexOptions.HolderTtl must be positive.")
            .Validate(static o => o.BatchConcurrency > 0, "IndexOptions.BatchConcurrency must be positive.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(
            IndexTimeProvider.Key, static (provider, _) => provider.GetRequiredService<TimeProvider>());
        services.TryAddSingleton<HolderInterner>();
        return services;
    }
}
