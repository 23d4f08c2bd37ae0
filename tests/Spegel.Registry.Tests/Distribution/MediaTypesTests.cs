using System.Text;
using Spegel.Registry.Distribution;

namespace Spegel.Registry.Tests.Distribution;

public sealed class MediaTypesTests
{
    [Theory]
    [InlineData("{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}", MediaTypes.OciIndex)]
    [InlineData("{\"manifests\":[]}", MediaTypes.OciIndex)]
    [InlineData("{\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\"},\"layers\":[]}", MediaTypes.OciManifest)]
    [InlineData("{\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\"},\"layers\":[]}", MediaTypes.DockerManifest)]
    [InlineData("{\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":[]}", MediaTypes.DockerManifestList)]
    public void TryDetectManifestMediaType_Manifest_GivesItsType(string json, string expected)
    {
        var ok = MediaTypes.TryDetectManifestMediaType(Encoding.UTF8.GetBytes(json), out var mediaType);

        Assert.True(ok);
        Assert.Equal(expected, mediaType);
    }

    [Theory]
    [InlineData("{\"architecture\":\"amd64\",\"os\":\"linux\"}")]
    [InlineData("not json")]
    [InlineData("{\"manifests\":")]
    [InlineData("")]
    public void TryDetectManifestMediaType_NotAManifest_IsFalse(string text)
    {
        Assert.False(MediaTypes.TryDetectManifestMediaType(Encoding.UTF8.GetBytes(text), out _));
    }
}
