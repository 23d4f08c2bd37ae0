using Spegel.Registry.Distribution;

namespace Spegel.Registry.Tests.Distribution;

public sealed class ImageNameTests
{
    [Theory]
    [InlineData("docker.io/library/nginx:1.27", "docker.io", "library/nginx", "1.27")]
    [InlineData("127.0.0.1:5000/team/app:v1", "127.0.0.1:5000", "team/app", "v1")]
    [InlineData("ghcr.io/a/b/c:latest@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "ghcr.io", "a/b/c", "latest")]
    public void TryParse_FullReference_SplitsParts(string text, string registry, string repository, string tag)
    {
        var ok = ImageName.TryParse(text, out var name);

        Assert.True(ok);
        Assert.Equal(new ImageName(registry, repository, tag), name);
    }

    [Theory]
    [InlineData("nginx:1.27")]
    [InlineData("docker.io/library/nginx")]
    [InlineData("docker.io/Library/nginx:1")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("docker.io/library/nginx:-bad")]
    [InlineData("")]
    public void TryParse_Incomplete_IsRejected(string text)
    {
        Assert.False(ImageName.TryParse(text, out _));
    }

    [Fact]
    public void ToString_IsCanonicalForm()
    {
        Assert.Equal("docker.io/library/nginx:1.27", new ImageName("docker.io", "library/nginx", "1.27").ToString());
    }
}
