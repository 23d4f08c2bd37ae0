namespace Spegel.Registry.Distribution;

/// <summary>The parts of the distribution API this read-only endpoint serves.</summary>
public enum RegistryRoute
{
    /// <summary><c>/v2/</c>: the API version check.</summary>
    ApiVersion,

    /// <summary><c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>.</summary>
    Manifest,

    /// <summary><c>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>.</summary>
    Blob,
}
