using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spegel.Registry.Distribution;
using Spegel.Registry.Mirroring;

namespace Spegel.Registry.Tests.Mirroring;

public sealed class PeerMirrorServiceCollectionExtensionsTests
{
    [Fact]
    public void AddPeerMirror_ResolvesThePeerMirrorWithConfiguredOptions()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<IContentLocator>(new FakeContentLocator());

        services.AddPeerMirror(options => options.MaxHoldersTried = 5);
        using var provider = services.BuildServiceProvider();

        Assert.IsType<PeerMirror>(provider.GetRequiredService<IPeerMirror>());
        Assert.Equal(5, provider.GetRequiredService<IOptions<MirrorOptions>>().Value.MaxHoldersTried);
        Assert.Equal(Timeout.InfiniteTimeSpan, provider.GetRequiredService<IHttpClientFactory>().CreateClient(PeerMirror.HttpClientName).Timeout);
    }

    [Fact]
    public void AddPeerMirror_KeepsAMirrorRegisteredBefore()
    {
        var services = new ServiceCollection().AddSingleton<IPeerMirror>(new NoMirror());

        services.AddPeerMirror(_ => { });
        services.AddPeerMirror(_ => { });

        Assert.IsType<NoMirror>(Assert.Single(services, d => d.ServiceType == typeof(IPeerMirror)).ImplementationInstance);
    }

    [Fact]
    public void PeerMirror_InvalidOptions_ThrowsOnConstruction()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<IContentLocator>(new FakeContentLocator());
        services.AddPeerMirror(options => options.MaxHoldersTried = 0);
        using var provider = services.BuildServiceProvider();

        Assert.ThrowsAny<ArgumentException>(() => provider.GetRequiredService<IPeerMirror>());
    }

    private sealed class NoMirror : IPeerMirror
    {
        public Task<MirrorOutcome> TryServeAsync(HttpContext context, RegistryRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(MirrorOutcome.NotApplicable("none"));
    }
}
