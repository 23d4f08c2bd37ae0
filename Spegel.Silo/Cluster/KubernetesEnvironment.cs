namespace Spegel.Silo.Cluster;

/// <summary>
/// Whether the process runs in a Kubernetes pod with the downward API variables Orleans' hosting needs.
/// </summary>
internal static class KubernetesEnvironment
{
    public static bool IsPresent() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POD_NAME"))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POD_NAMESPACE"))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POD_IP"));
}
