namespace Spegel.Registry.Containerd;

/// <summary>
/// The media types of the documents an image walk reads: OCI and Docker schema 2 indexes and manifests.
/// </summary>
internal static class OciMediaTypes
{
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>The size limit the OCI distribution spec lets registries impose on manifests (4 MiB).</summary>
    public const int MaxManifestSize = 4 << 20;

    /// <summary>Whether the content lists other manifests.</summary>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>Whether the content lists a config and layers.</summary>
    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;
}
