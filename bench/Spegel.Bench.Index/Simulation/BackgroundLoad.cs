namespace Spegel.Bench.Index.Simulation;

/// <summary>Re-advertisements that keep running while lookups are measured.</summary>
internal static class BackgroundLoad
{
    // More rounds than any run can fit in its time; it only keeps the loop bounded.
    private const int MaxSaturatingRounds = 10_000;

    /// <summary>
    /// Every agent re-advertises its whole inventory, over and over, <paramref name="concurrency"/> agents at a time,
    /// until <paramref name="cancellationToken"/> fires: the load of all nodes resynchronising at once, as after a
    /// silo loss.
    /// </summary>
    public static async Task SaturateAsync(IReadOnlyList<SimulatedAgent> agents, int concurrency, CallCounters counters, CancellationToken cancellationToken)
    {
        try
        {
            for (var round = 0; round < MaxSaturatingRounds && !cancellationToken.IsCancellationRequested; round++)
            {
                await AgentRunner.RunAsync(agents, null, concurrency, counters, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The measurement is over; batches already sent have been counted.
        }
    }

    /// <summary>
    /// Sends batches at the steady rate of every agent resynchronising once per <paramref name="resyncInterval"/>,
    /// agent after agent, batch after batch, with at most <paramref name="maxInFlight"/> batches outstanding; when the
    /// cluster cannot keep up, the rate falls behind and the counters show it.
    /// </summary>
    public static async Task PaceAsync(
        IReadOnlyList<SimulatedAgent> agents,
        TimeSpan resyncInterval,
        TimeSpan duration,
        int maxInFlight,
        CallCounters counters,
        CancellationToken cancellationToken)
    {
        var batchesPerRound = agents.Sum(agent => agent.BatchCount);
        var interval = resyncInterval / batchesPerRound;
        var maxBatches = (long)Math.Ceiling(duration / interval) + 1;
        using var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        var inFlight = new List<Task>();
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            for (var sent = 0L; sent < maxBatches && !cancellationToken.IsCancellationRequested; sent++)
            {
                var due = interval * sent - TimeProvider.System.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, TimeProvider.System, cancellationToken);
                }

                await slots.WaitAsync(cancellationToken);
                var agent = agents[(int)(sent % agents.Count)];
                var batch = (int)(sent / agents.Count % agent.BatchCount);
                inFlight.Add(SendAsync(agent, batch));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The measurement is over.
        }

        await Task.WhenAll(inFlight);

        async Task SendAsync(SimulatedAgent agent, int batch)
        {
            try
            {
                await agent.AdvertiseBatchAsync(batch, counters);
            }
            finally
            {
                slots.Release();
            }
        }
    }
}
