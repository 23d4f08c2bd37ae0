using Microsoft.Extensions.DependencyInjection;

namespace Spegel.Grains.Hosting;

/// <summary>Adds the Spegel grains to an Orleans silo.</summary>
public static class GrainsSiloBuilderExtensions
{
    /// <summary>
    /// Registers the services the Spegel grains need; see
    /// <see cref="GrainsServiceCollectionExtensions.AddSpegelGrains(IServiceCollection, Action{IndexOptions}?)"/>.
    /// The grain classes themselves are found by Orleans through this assembly's generated metadata.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Changes to the index options, if any.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static ISiloBuilder AddSpegelGrains(this ISiloBuilder builder, Action<IndexOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddSpegelGrains(configure);
        return builder;
    }
}
