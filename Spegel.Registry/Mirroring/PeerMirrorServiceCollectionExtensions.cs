using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Spegel.Registry.Mirroring;

/// <summary>Registers the peer mirror.</summary>
public static class PeerMirrorServiceCollectionExtensions
{
    // Connections to holders are reused across requests; recycling them now and then lets a node that moved to a new
    // address (or a new pod behind the same address) be reached without waiting for the old socket to fail.
    private static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Adds <see cref="PeerMirror"/> as the <see cref="IPeerMirror"/> (unless one is registered), its options, and the
    /// <see cref="HttpClient"/> <see cref="PeerMirror.HttpClientName"/>: pooled connections, a connect timeout of
    /// <see cref="MirrorOptions.PeerTimeout"/>, no proxy, no redirects, no decompression (blobs pass byte for byte),
    /// no client-side timeout (the mirror bounds every wait itself) and no per-request logging. An
    /// <see cref="IContentLocator"/> must be registered separately.
    /// </summary>
    public static IServiceCollection AddPeerMirror(this IServiceCollection services, Action<MirrorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddHttpClient(PeerMirror.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(
                provider => CreateHandler(provider.GetRequiredService<IOptions<MirrorOptions>>().Value))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.TryAddSingleton<IPeerMirror, PeerMirror>();
        return services;
    }

    private static SocketsHttpHandler CreateHandler(MirrorOptions options) => new()
    {
        ConnectTimeout = options.PeerTimeout,
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = PooledConnectionLifetime,
        PooledConnectionIdleTimeout = PooledConnectionIdleTimeout,
    };
}
