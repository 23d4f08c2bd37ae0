using Microsoft.Extensions.Time.Testing;
using Spegel.Registry.Mirroring;

namespace Spegel.Registry.Tests.Mirroring;

public sealed class FailedHolderMemoryTests
{
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Order_WithoutFailures_KeepsEveryHolderOnceUpToTheLimit()
    {
        var memory = new FailedHolderMemory(_time, Backoff, new Random(7));
        var holders = Holders("a", "b", "c", "d");

        var ordered = memory.Order([.. holders, holders[0]], max: 3);

        Assert.Equal(3, ordered.Count);
        Assert.Equal(3, ordered.Distinct().Count());
        Assert.All(ordered, holder => Assert.Contains(holder, holders));
    }

    [Fact]
    public void Order_RecentlyFailedHolder_ComesAfterTheOthers()
    {
        var memory = new FailedHolderMemory(_time, Backoff, new Random(7));
        var holders = Holders("a", "b", "c");
        memory.MarkFailed(holders[0]);

        var ordered = memory.Order(holders, max: 3);

        Assert.Equal(holders[0], ordered[^1]);
    }

    [Fact]
    public void Order_AllFailed_LeastRecentFailureFirst()
    {
        var memory = new FailedHolderMemory(_time, Backoff, new Random(7));
        var holders = Holders("a", "b", "c");
        memory.MarkFailed(holders[2]);
        _time.Advance(TimeSpan.FromSeconds(1));
        memory.MarkFailed(holders[0]);
        _time.Advance(TimeSpan.FromSeconds(1));
        memory.MarkFailed(holders[1]);

        var ordered = memory.Order(holders, max: 3);

        Assert.Equal([holders[2], holders[0], holders[1]], ordered);
    }

    [Fact]
    public void IsMarked_EndsWithTheBackoffOrASuccess()
    {
        var memory = new FailedHolderMemory(_time, Backoff, new Random(7));
        var (a, b) = (Holders("a")[0], Holders("b")[0]);
        memory.MarkFailed(a);
        memory.MarkFailed(b);

        memory.MarkHealthy(b);
        var bAfterSuccess = memory.IsMarked(b);
        var aWithin = memory.IsMarked(a);
        _time.Advance(Backoff);
        var aAfter = memory.IsMarked(a);

        Assert.False(bAfterSuccess);
        Assert.True(aWithin);
        Assert.False(aAfter);
    }

    private static PeerHolder[] Holders(params string[] nodes) =>
        nodes.Select((node, i) => new PeerHolder(node, new Uri($"http://10.0.0.{i + 1}:5000"))).ToArray();
}
