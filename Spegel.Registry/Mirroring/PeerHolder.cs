namespace Spegel.Registry.Mirroring;

/// <summary>Another node that holds some content, and where its registry endpoint listens.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="Endpoint">The base address of its registry endpoint, e.g. <c>http://10.0.0.5:5000</c>.</param>
public sealed record PeerHolder(string Node, Uri Endpoint);
