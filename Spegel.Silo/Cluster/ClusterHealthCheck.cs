using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Spegel.Silo.Cluster;

/// <summary>Ready only while this node's silo is in the cluster.</summary>
internal sealed class ClusterHealthCheck(ClusterState cluster) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default) =>
        Task.FromResult(cluster.Current is null
            ? HealthCheckResult.Unhealthy(cluster.Status)
            : HealthCheckResult.Healthy(cluster.Status));
}
