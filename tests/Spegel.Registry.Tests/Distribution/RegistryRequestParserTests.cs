using Spegel.Registry.Distribution;

namespace Spegel.Registry.Tests.Distribution;

public sealed class RegistryRequestParserTests
{
    private const string Digest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void Parse_TagManifestWithNs_ResolvesWithinThatRegistry()
    {
        var result = RegistryRequestParser.Parse("GET", "/v2/library/nginx/manifests/1.27", "ghcr.io", "docker.io");

        Assert.True(result.IsValid);
        Assert.Equal(RegistryRoute.Manifest, result.Request.Route);
        Assert.Equal(new ImageName("ghcr.io", "library/nginx", "1.27"), result.Request.ImageName);
    }

    [Fact]
    public void Parse_TagManifestWithoutNs_UsesDefaultRegistry()
    {
        var result = RegistryRequestParser.Parse("HEAD", "/v2/library/nginx/manifests/1.27", null, "docker.io");

        Assert.True(result.Request!.IsHead);
        Assert.Equal("docker.io/library/nginx:1.27", result.Request.ImageName!.ToString());
    }

    [Fact]
    public void Parse_NameContainingRouteWords_SplitsAtLastSegment()
    {
        var result = RegistryRequestParser.Parse("GET", "/v2/a/blobs/manifests/b/blobs/" + Digest, null, "docker.io");

        Assert.Equal("a/blobs/manifests/b", result.Request!.Repository);
        Assert.Equal(RegistryRoute.Blob, result.Request.Route);
    }

    [Theory]
    [InlineData("GET", "/v2/")]
    [InlineData("GET", "/v2")]
    [InlineData("HEAD", "/v2/")]
    public void Parse_ApiVersion_IsValid(string method, string path)
    {
        Assert.Equal(RegistryRoute.ApiVersion, RegistryRequestParser.Parse(method, path, null, "docker.io").Request!.Route);
    }

    [Theory]
    [InlineData("GET", "/", OciErrorCode.NotFound)]
    [InlineData("GET", "/v1/x/manifests/latest", OciErrorCode.NotFound)]
    [InlineData("GET", "/v2/_catalog", OciErrorCode.NotFound)]
    [InlineData("GET", "/v2/x/tags/list", OciErrorCode.NotFound)]
    [InlineData("GET", "/v2/x/manifests", OciErrorCode.NotFound)]
    [InlineData("GET", "/v2/../etc/passwd", OciErrorCode.NotFound)]
    [InlineData("GET", "/v2/Library/x/manifests/latest", OciErrorCode.NameInvalid)]
    [InlineData("GET", "/v2/a___b/manifests/latest", OciErrorCode.NameInvalid)]
    [InlineData("GET", "/v2/a/../b/manifests/latest", OciErrorCode.NameInvalid)]
    [InlineData("GET", "/v2/a%2e%2e/manifests/latest", OciErrorCode.NameInvalid)]
    [InlineData("GET", "/v2/a%2fb/manifests/latest", OciErrorCode.NameInvalid)]
    [InlineData("GET", "/v2//x/manifests/latest", OciErrorCode.NameInvalid)]
    [InlineData("GET", "/v2/x//manifests/latest", OciErrorCode.NameInvalid)]
    [InlineData("GET", "/v2/manifests/latest", OciErrorCode.NameInvalid)]
    [InlineData("GET", "/v2/x/blobs/latest", OciErrorCode.DigestInvalid)]
    [InlineData("GET", "/v2/x/blobs/sha256:abc", OciErrorCode.DigestInvalid)]
    [InlineData("GET", "/v2/x/blobs/md5:d41d8cd98f00b204e9800998ecf8427e", OciErrorCode.DigestInvalid)]
    [InlineData("GET", "/v2/x/manifests/sha256:xyz", OciErrorCode.DigestInvalid)]
    [InlineData("GET", "/v2/x/manifests/.hidden", OciErrorCode.TagInvalid)]
    [InlineData("GET", "/v2/x/manifests/a%00b", OciErrorCode.TagInvalid)]
    [InlineData("PUT", "/v2/x/manifests/latest", OciErrorCode.Unsupported)]
    [InlineData("DELETE", "/v2/x/blobs/" + Digest, OciErrorCode.Unsupported)]
    [InlineData("POST", "/v2/", OciErrorCode.Unsupported)]
    [InlineData("PUT", "/v2/X/manifests/latest", OciErrorCode.NameInvalid)]
    [InlineData("PATCH", "/v2/x/blobs/nope", OciErrorCode.DigestInvalid)]
    public void Parse_BadRequest_GivesError(string method, string path, OciErrorCode expected)
    {
        var result = RegistryRequestParser.Parse(method, path, null, "docker.io");

        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void Parse_NameOver255Characters_IsNameInvalid()
    {
        var name = string.Join('/', Enumerable.Repeat("abcdefghij", 30));

        var result = RegistryRequestParser.Parse("GET", $"/v2/{name}/manifests/latest", null, "docker.io");

        Assert.Equal(OciErrorCode.NameInvalid, result.Error);
        Assert.Contains("255", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidNs_IsNameInvalid()
    {
        var result = RegistryRequestParser.Parse("GET", "/v2/x/manifests/latest", "evil/../host", "docker.io");

        Assert.Equal(OciErrorCode.NameInvalid, result.Error);
    }
}
