namespace Spegel.TestSupport.Images;

/// <summary>The media types a manifest and its config and layers are written with.</summary>
internal sealed record ImageFormat(string Manifest, string Config, string Layer)
{
    /// <summary>OCI image-spec media types.</summary>
    public static ImageFormat Oci { get; } =
        new(TestMediaTypes.OciManifest, TestMediaTypes.OciConfig, TestMediaTypes.OciLayerGzip);

    /// <summary>Docker image manifest v2, schema 2 media types.</summary>
    public static ImageFormat Docker { get; } =
        new(TestMediaTypes.DockerManifest, TestMediaTypes.DockerConfig, TestMediaTypes.DockerLayerGzip);
}
