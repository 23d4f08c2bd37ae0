namespace Spegel.Grains.Nodes;

/// <inheritdoc cref="INodeGrain"/>
internal sealed class NodeGrain : Grain, INodeGrain
{
    private NodeReport? _report;

    /// <inheritdoc/>
    public Task ReportAsync(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _report = report;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<NodeReport?> GetAsync() => Task.FromResult(_report);
}
