namespace Spegel.Grains.Tests.Infrastructure;

/// <summary>
/// One cluster shared by the non-destructive grain tests. They run one after another in this collection and use
/// keys of their own; a test that advances the clock only expires records that earlier tests left behind.
/// </summary>
public sealed class SharedIndexCluster : IAsyncLifetime
{
    private IndexCluster? _index;

    public IndexCluster Index => _index ?? throw new InvalidOperationException("The cluster has not started.");

    public async ValueTask InitializeAsync() => _index = await IndexCluster.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_index is not null)
        {
            await _index.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedIndexClusterCollection : ICollectionFixture<SharedIndexCluster>
{
    public const string Name = "shared index cluster";
}
