using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Spegel.Grains.Hosting;

namespace Spegel.Grains.Tests.Hosting;

public sealed class GrainsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddSpegelGrains_NoConfiguration_UsesDefaults()
    {
        var services = new ServiceCollection();

        using var provider = services.AddSpegelGrains().BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<IndexOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(15), options.HolderTtl);
        Assert.Equal(IndexOptions.DefaultBatchConcurrency, options.BatchConcurrency);
    }

    [Fact]
    public void AddSpegelGrains_Configure_AppliesChanges()
    {
        var services = new ServiceCollection();

        using var provider = services.AddSpegelGrains(options => options.HolderTtl = TimeSpan.FromMinutes(3)).BuildServiceProvider();

        Assert.Equal(TimeSpan.FromMinutes(3), provider.GetRequiredService<IOptions<IndexOptions>>().Value.HolderTtl);
    }

    [Fact]
    public void AddSpegelGrains_NoTimeProvider_IndexClockIsSystemClock()
    {
        var services = new ServiceCollection();

        using var provider = services.AddSpegelGrains().BuildServiceProvider();

        Assert.Same(TimeProvider.System, provider.GetRequiredKeyedService<TimeProvider>(IndexTimeProvider.Key));
    }

    [Fact]
    public void AddSpegelGrains_HostTimeProviderRegistered_KeepsItAndIndexClockFollowsIt()
    {
        var clock = new FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);

        using var provider = services.AddSpegelGrains().BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
        Assert.Same(clock, provider.GetRequiredKeyedService<TimeProvider>(IndexTimeProvider.Key));
    }

    [Fact]
    public void AddSpegelGrains_IndexClockRegisteredSeparately_LeavesHostClockAlone()
    {
        var clock = new FakeTimeProvider();
        var services = new ServiceCollection().AddKeyedSingleton<TimeProvider>(IndexTimeProvider.Key, clock);

        using var provider = services.AddSpegelGrains().BuildServiceProvider();

        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.Same(clock, provider.GetRequiredKeyedService<TimeProvider>(IndexTimeProvider.Key));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AddSpegelGrains_NonPositiveTtl_FailsValidation(int minutes)
    {
        var services = new ServiceCollection();
        using var provider = services.AddSpegelGrains(options => options.HolderTtl = TimeSpan.FromMinutes(minutes)).BuildServiceProvider();

        var read = () => provider.GetRequiredService<IOptions<IndexOptions>>().Value;

        Assert.Throws<OptionsValidationException>(read);
    }
}
