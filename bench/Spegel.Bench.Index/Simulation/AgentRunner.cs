namespace Spegel.Bench.Index.Simulation;

/// <summary>Runs many agents' full advertisements with a bound on how many run at once.</summary>
internal static class AgentRunner
{
    /// <summary>
    /// Lets every agent advertise its whole inventory. Agent <c>i</c> waits <paramref name="startDelays"/>[i] first
    /// (the real agents' random delay after a silo loss), then for a free slot, at most
    /// <paramref name="concurrency"/> agents advertising at a time.
    /// </summary>
    public static async Task RunAsync(
        IReadOnlyList<SimulatedAgent> agents,
        IReadOnlyList<TimeSpan>? startDelays,
        int concurrency,
        CallCounters counters,
        CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        await Task.WhenAll(agents.Select((agent, index) => RunOneAsync(agent, startDelays?[index] ?? TimeSpan.Zero)));

        async Task RunOneAsync(SimulatedAgent agent, TimeSpan delay)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, TimeProvider.System, cancellationToken);
            }

            await slots.WaitAsync(cancellationToken);
            try
            {
                await agent.AdvertiseAllAsync(counters, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }
    }
}
