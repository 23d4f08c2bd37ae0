using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spegel.Registry.Mirroring;
using Spegel.Registry.Tests.Http;

namespace Spegel.Registry.Tests.Mirroring;

/// <summary>
/// The node a client talks to: the registry endpoint over an empty layout, with a <see cref="PeerMirror"/> over a
/// fake index. Holders are tried in the order the index names them, so that tests can choose who goes first.
/// </summary>
internal sealed class MirrorFront : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly RegistryTestServer _server;
    private readonly string _emptyLayout;

    private MirrorFront(ServiceProvider services, RegistryTestServer server, string emptyLayout, PeerMirror mirror, ListLogger<PeerMirror> logger)
    {
        _services = services;
        _server = server;
        _emptyLayout = emptyLayout;
        Mirror = mirror;
        Logger = logger;
        Client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Short budgets so that failure paths finish in well under a second each.</summary>
    public static readonly TimeSpan PeerTimeout = TimeSpan.FromMilliseconds(300);

    public static readonly TimeSpan ManifestBudget = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan StallTimeout = TimeSpan.FromMilliseconds(400);

    public HttpClient Client { get; }

    public PeerMirror Mirror { get; }

    public ListLogger<PeerMirror> Logger { get; }

    public IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    public static async Task<MirrorFront> StartAsync(
        FakeContentLocator locator, Action<MirrorOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        services.AddSingleton<IContentLocator>(locator);
        services.AddPeerMirror(options =>
        {
            options.PeerTimeout = PeerTimeout;
            options.ManifestBudget = ManifestBudget;
            options.StallTimeout = StallTimeout;
            configure?.Invoke(options);
        });
        var provider = services.BuildServiceProvider();
        var logger = new ListLogger<PeerMirror>();
        var mirror = new PeerMirror(
            locator,
            provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetRequiredService<IOptions<MirrorOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IMeterFactory>(),
            logger,
            new InOrderRandom());
        var emptyLayout = Directory.CreateTempSubdirectory("spegel-front-").FullName;
        var server = await RegistryTestServer.StartOciLayoutAsync(emptyLayout, mirror);
        return new MirrorFront(provider, server, emptyLayout, mirror, logger);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync();
        await _services.DisposeAsync();
        Directory.Delete(_emptyLayout, recursive: true);
    }

    /// <summary>Keeps the order it is given: Fisher-Yates with j = i at every step.</summary>
    private sealed class InOrderRandom : Random
    {
        public override int Next(int minValue, int maxValue) => minValue;
    }
}
