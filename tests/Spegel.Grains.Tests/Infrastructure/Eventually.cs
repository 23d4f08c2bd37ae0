namespace Spegel.Grains.Tests.Infrastructure;

/// <summary>Polls a condition that depends on real-time cluster machinery, with a bounded deadline.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns how long it took for <paramref name="condition"/> to hold, or throws after <paramref name="deadline"/>.</summary>
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!await condition())
        {
            var elapsed = TimeProvider.System.GetElapsedTime(started);
            if (elapsed > deadline)
            {
                throw new TimeoutException($"After {elapsed}: {what}");
            }

            await Task.Delay(Interval, TestContext.Current.CancellationToken);
        }

        return TimeProvider.System.GetElapsedTime(started);
    }
}
