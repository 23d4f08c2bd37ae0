namespace Spegel.Silo.Cli;

/// <summary>Which content store a node serves from.</summary>
internal enum StoreKind
{
    /// <summary>The node's containerd.</summary>
    Containerd,

    /// <summary>An OCI image layout folder.</summary>
    OciLayout,
}
