using System.Text;
using Spegel.Registry.Containerd;

namespace Spegel.Registry.Tests.Containerd;

public sealed class ManifestReferencesTests
{
    private const string A = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string B = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string C = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

    [Theory]
    [InlineData(OciMediaTypes.OciIndex)]
    [InlineData(OciMediaTypes.DockerManifestList)]
    public void TryParse_Index_ReturnsItsManifestsInOrder(string mediaType)
    {
        var json = $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"m1","digest":"{{{A}}}","size":10,"platform":{"os":"linux"}},{"mediaType":"m2","digest":"{{{B}}}","size":20}]}""";

        var parsed = ManifestReferences.TryParse(Encoding.UTF8.GetBytes(json), mediaType, out var children);

        Assert.True(parsed);
        Assert.Equal([(A, 10L, "m1"), (B, 20L, "m2")], children.Select(c => (c.Digest.Value, c.Size, c.MediaType)));
    }

    [Theory]
    [InlineData(OciMediaTypes.OciManifest)]
    [InlineData(OciMediaTypes.DockerManifest)]
    public void TryParse_Manifest_ReturnsConfigThenLayers(string mediaType)
    {
        var json = $$$"""{"config":{"mediaType":"cfg","digest":"{{{A}}}","size":1},"layers":[{"mediaType":"l","digest":"{{{B}}}","size":2},{"mediaType":"l","digest":"{{{C}}}","size":3}],"annotations":{"x":"y"}}""";

        var parsed = ManifestReferences.TryParse(Encoding.UTF8.GetBytes(json), mediaType, out var children);

        Assert.True(parsed);
        Assert.Equal([A, B, C], children.Select(c => c.Digest.Value));
    }

    [Fact]
    public void TryParse_UnsupportedOrMalformedDigests_LeavesThemOut()
    {
        var json = $$$"""{"config":{"digest":"md5:abc","size":1},"layers":[{"digest":"{{{B}}}","size":2},{"size":3},{"digest":"{{{C}}}","size":-1}]}""";

        var parsed = ManifestReferences.TryParse(Encoding.UTF8.GetBytes(json), OciMediaTypes.OciManifest, out var children);

        Assert.True(parsed);
        Assert.Equal([B], children.Select(c => c.Digest.Value));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("{\"layers\":42}")]
    public void TryParse_NotADocument_ReturnsFalse(string json)
    {
        var parsed = ManifestReferences.TryParse(Encoding.UTF8.GetBytes(json), OciMediaTypes.OciManifest, out var children);

        Assert.False(parsed);
        Assert.Empty(children);
    }
}
