using System.Diagnostics.Metrics;

namespace Spegel.Silo.Agent;

/// <summary>
/// The inventory agent's instruments, on the meter <c>Spegel.Silo</c>:
/// <list type="bullet">
/// <item><c>spegel.agent.advertised.digests</c> and <c>spegel.agent.advertised.tags</c> (gauges): what this node
/// advertises now.</item>
/// <item><c>spegel.agent.advertisements</c> (counter): advertisement operations, tagged <c>operation</c>
/// (<c>sync</c>: the whole inventory; <c>change</c>: one change from the store's feed; <c>withdraw</c>: everything, on
/// shutdown) and <c>result</c> (<c>ok</c>, <c>failed</c>).</item>
/// </list>
/// </summary>
internal sealed class AgentMetrics
{
    public const string MeterName = "Spegel.Silo";

    private readonly Counter<long> _operations;

    public AgentMetrics(IMeterFactory meterFactory, Func<(int Digests, int Tags)> advertised)
    {
        var meter = meterFactory.Create(MeterName);
        _operations = meter.CreateCounter<long>(
            "spegel.agent.advertisements", "{operation}", "Advertisement operations, by operation and result.");
        meter.CreateObservableGauge(
            "spegel.agent.advertised.digests", () => advertised().Digests, "{digest}", "Digests this node advertises.");
        meter.CreateObservableGauge(
            "spegel.agent.advertised.tags", () => advertised().Tags, "{tag}", "Tags this node advertises.");
    }

    public void Operation(string operation, bool succeeded) => _operations.Add(1,
        new KeyValuePair<string, object?>("operation", operation),
        new KeyValuePair<string, object?>("result", succeeded ? "ok" : "failed"));
}
