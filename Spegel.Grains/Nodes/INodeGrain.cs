namespace Spegel.Grains.Nodes;

/// <summary>
/// One node's self-description, keyed by node name: its agent reports what it advertises after every change, and
/// status views read it. Memory only; a lost activation is filled again by the node's next report.
/// </summary>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Replaces the node's report.</summary>
    Task ReportAsync(NodeReport report);

    /// <summary>The node's last report, or null when none arrived since the activation started.</summary>
    Task<NodeReport?> GetAsync();
}
