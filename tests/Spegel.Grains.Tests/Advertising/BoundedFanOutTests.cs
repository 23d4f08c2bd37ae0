using Spegel.Grains.Advertising;

namespace Spegel.Grains.Tests.Advertising;

public sealed class BoundedFanOutTests
{
    [Fact]
    public async Task RunAsync_CallsReturnTheSameCompletedTask_CountsEveryCall()
    {
        var items = Items(200);

        var outcome = await BoundedFanOut.RunAsync(items, 64, _ => Task.CompletedTask);

        Assert.Equal(200, outcome.Succeeded);
        Assert.Empty(outcome.Failed);
        Assert.Null(outcome.FirstError);
    }

    [Fact]
    public async Task RunAsync_SlowCalls_NeverMoreInFlightThanTheBound()
    {
        var items = Items(100);
        var inFlight = 0;
        var mostInFlight = 0;

        var outcome = await BoundedFanOut.RunAsync(items, 8, async _ =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref mostInFlight, now);
            await Task.Delay(TimeSpan.FromMilliseconds(1), TestContext.Current.CancellationToken);
            Interlocked.Decrement(ref inFlight);
        });

        Assert.Equal(100, outcome.Succeeded);
        Assert.InRange(mostInFlight, 1, 8);
    }

    [Fact]
    public async Task RunAsync_SomeCallsFail_ReportsThemAndMakesTheOtherCalls()
    {
        var items = Items(50);
        var failing = new HashSet<string>(["item-3", "item-17", "item-40"]);

        var outcome = await BoundedFanOut.RunAsync(items, 4, item => item switch
        {
            "item-3" => throw new InvalidOperationException("synchronous"),
            _ when failing.Contains(item) => Task.FromException(new TimeoutException("asynchronous")),
            _ => Task.CompletedTask,
        });

        Assert.Equal(47, outcome.Succeeded);
        Assert.Equal(failing, outcome.Failed.ToHashSet());
        Assert.Equal("item-3", outcome.Failed[0]);
        Assert.IsType<InvalidOperationException>(outcome.FirstError);
    }

    [Fact]
    public async Task RunAsync_NoItems_CallsNothing()
    {
        var calls = 0;

        var outcome = await BoundedFanOut.RunAsync([], 64, _ =>
        {
            calls++;
            return Task.CompletedTask;
        });

        Assert.Equal(0, calls);
        Assert.Equal(0, outcome.Succeeded);
        Assert.Empty(outcome.Failed);
    }

    private static string[] Items(int count) => [.. Enumerable.Range(0, count).Select(i => $"item-{i}")];

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
