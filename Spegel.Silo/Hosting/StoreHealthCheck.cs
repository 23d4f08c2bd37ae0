using Microsoft.Extensions.Diagnostics.HealthChecks;
using Spegel.Registry.Content;

namespace Spegel.Silo.Hosting;

/// <summary>Ready only while the content store answers.</summary>
internal sealed class StoreHealthCheck(IContentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        var health = await store.CheckHealthAsync(cancellationToken);
        return health.IsReachable
            ? HealthCheckResult.Healthy(health.Description)
            : HealthCheckResult.Unhealthy(health.Description);
    }
}
