using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Spegel.Registry.Content;
using Spegel.Registry.Content.OciLayout;
using Spegel.Registry.Mirroring;
using Spegel.Registry.Tests.Http;

namespace Spegel.Registry.Tests.Mirroring;

/// <summary>A node that holds content: the real registry endpoint over an OCI layout, recording what it is asked.</summary>
internal sealed class HealthyPeer : IAsyncDisposable
{
    private readonly RegistryTestServer _server;

    private HealthyPeer(RegistryTestServer server, string node, ConcurrentQueue<SeenRequest> requests)
    {
        _server = server;
        Holder = new PeerHolder(node, server.BaseAddress);
        Requests = requests;
    }

    public PeerHolder Holder { get; }

    public ConcurrentQueue<SeenRequest> Requests { get; }

    public static async Task<HealthyPeer> StartAsync(string node, string layoutPath)
    {
        var requests = new ConcurrentQueue<SeenRequest>();
        var server = await RegistryTestServer.StartAsync(services =>
        {
            services.Configure<OciLayoutStoreOptions>(options =>
            {
                options.Path = layoutPath;
                options.PollInterval = TimeSpan.FromMilliseconds(50);
            });
            services.AddSingleton<IContentStore, OciLayoutStore>();
            services.AddSingleton<IStartupFilter>(new RecordingStartupFilter(requests));
        });
        return new HealthyPeer(server, node, requests);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private sealed class RecordingStartupFilter(ConcurrentQueue<SeenRequest> requests) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                requests.Enqueue(SeenRequest.From(context.Request));
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
