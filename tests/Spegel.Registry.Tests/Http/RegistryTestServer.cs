using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spegel.Registry.Content;
using Spegel.Registry.Content.OciLayout;
using Spegel.Registry.Http;
using Spegel.Registry.Mirroring;

namespace Spegel.Registry.Tests.Http;

/// <summary>The registry endpoint on real Kestrel, on a loopback port chosen by the OS.</summary>
internal sealed class RegistryTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RegistryTestServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<RegistryTestServer> StartOciLayoutAsync(string layoutPath, IPeerMirror? mirror = null) =>
        StartAsync(services =>
        {
            services.Configure<OciLayoutStoreOptions>(options =>
            {
                options.Path = layoutPath;
                options.PollInterval = TimeSpan.FromMilliseconds(50);
            });
            services.AddSingleton<IContentStore, OciLayoutStore>();
            if (mirror is not null)
            {
                services.AddSingleton(mirror);
            }
        });

    public static async Task<RegistryTestServer> StartAsync(Action<IServiceCollection> configureServices)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestHeadersTotalSize = 128 * 1024;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<RegistryOptions>(options => options.DefaultRegistry = "docker.io");
        builder.Services.AddSingleton<RegistryHandler>();
        configureServices(builder.Services);
        var app = builder.Build();
        var handler = app.Services.GetRequiredService<RegistryHandler>();
        app.Run(handler.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RegistryTestServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
