namespace Spegel.Registry.Content.OciLayout;

/// <summary>Settings of <see cref="OciLayoutStore"/>.</summary>
public sealed class OciLayoutStoreOptions
{
    /// <summary>The OCI image layout folder (with <c>oci-layout</c>, <c>index.json</c> and <c>blobs/</c>).</summary>
    public string Path { get; set; } = "";

    /// <summary>
    /// The registry that a bare tag in <c>org.opencontainers.image.ref.name</c> is taken to belong to.
    /// </summary>
    public string DefaultRegistry { get; set; } = "docker.io";

    /// <summary>How often the change feed looks at <c>index.json</c> for changes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
