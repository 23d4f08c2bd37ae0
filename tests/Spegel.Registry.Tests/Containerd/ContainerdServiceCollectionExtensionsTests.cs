using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spegel.Registry.Containerd;
using Spegel.Registry.Content;

namespace Spegel.Registry.Tests.Containerd;

public sealed class ContainerdServiceCollectionExtensionsTests
{
    [Fact]
    public void AddContainerdContentStore_NoConfiguration_UsesTheDefaults()
    {
        using var provider = new ServiceCollection().AddContainerdContentStore().BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ContainerdStoreOptions>>().Value;
        var store = provider.GetRequiredService<IContentStore>();

        Assert.Equal(new ContainerdStoreOptions(), options);
        Assert.Equal("/run/containerd/containerd.sock", options.SocketPath);
        Assert.Equal("k8s.io", options.Namespace);
        Assert.Equal("/var/lib/containerd/io.containerd.content.v1.content", options.ContentPath);
        Assert.IsType<ContainerdContentStore>(store);
        Assert.Equal("containerd:/run/containerd/containerd.sock?namespace=k8s.io", store.Description);
    }

    [Fact]
    public void AddContainerdContentStore_Configured_AppliesTheOptions()
    {
        using var provider = new ServiceCollection()
            .AddContainerdContentStore(o => o.Namespace = "other")
            .BuildServiceProvider();

        var store = provider.GetRequiredService<IContentStore>();

        Assert.EndsWith("namespace=other", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void AddContainerdContentStore_StoreAlreadyRegistered_KeepsIt()
    {
        var existing = new ServiceCollection().AddSingleton<IContentStore>(_ => throw new InvalidOperationException("not built"));

        var services = existing.AddContainerdContentStore();

        Assert.Single(services, d => d.ServiceType == typeof(IContentStore));
    }
}
