namespace Spegel.Silo.Cluster;

/// <summary>
/// Whether this node's silo is in the cluster right now, and the grain factory to use while it is. Written by
/// <see cref="SiloRunner"/>, read by the registry's locator, the readiness check and the debug views.
/// </summary>
internal sealed class ClusterState
{
    private volatile Connection? _connection;

    /// <summary>The silo's services while it is running, or null.</summary>
    public Connection? Current => _connection;

    /// <summary>Why the silo is not in the cluster, while it is not.</summary>
    public string Status { get; private set; } = "starting";

    public void Joined(Connection connection)
    {
        _connection = connection;
        Status = $"joined as {connection.SiloAddress}";
    }

    public void Left(string why)
    {
        _connection = null;
        Status = why;
    }

    /// <summary>What a running silo offers to the rest of the process.</summary>
    /// <param name="GrainFactory">For grain calls.</param>
    /// <param name="Membership">The cluster's membership view.</param>
    /// <param name="SiloAddress">This silo's address.</param>
    /// <param name="Advertised">How many digests and tags this node advertises now.</param>
    /// <param name="Dashboard">The Orleans Dashboard's pipeline, built on the silo's own services.</param>
    internal sealed record Connection(
        IGrainFactory GrainFactory, IClusterMembershipService Membership, SiloAddress SiloAddress,
        Func<(int Digests, int Tags)> Advertised, RequestDelegate Dashboard);
}
