namespace Spegel.Registry.Http;

/// <summary>Headers nodes use between themselves.</summary>
public static class PeerHeaders
{
    /// <summary>
    /// Marks a request sent by another node. A node answers such a request from its own store only and never asks
    /// the cluster, so that requests cannot travel in loops.
    /// </summary>
    public const string PeerRequest = "X-Spegel-Peer";
}
