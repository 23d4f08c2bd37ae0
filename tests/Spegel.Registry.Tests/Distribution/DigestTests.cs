using Spegel.Registry.Distribution;

namespace Spegel.Registry.Tests.Distribution;

public sealed class DigestTests
{
    private const string Hex64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void TryParse_Sha256_SplitsAlgorithmAndHex()
    {
        var ok = Digest.TryParse("sha256:" + Hex64, out var digest);

        Assert.True(ok);
        Assert.Equal("sha256", digest.Algorithm);
        Assert.Equal(Hex64, digest.Hex);
        Assert.Equal("sha256:" + Hex64, digest.ToString());
    }

    [Fact]
    public void TryParse_Sha512_IsAccepted()
    {
        Assert.True(Digest.TryParse("sha512:" + new string('a', 128), out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256")]
    [InlineData("sha256:")]
    [InlineData(":" + Hex64)]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha384:" + Hex64)]
    [InlineData("SHA256:" + Hex64)]
    [InlineData("sha256:" + "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("sha256:" + Hex64 + "0")]
    [InlineData("sha256:" + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    [InlineData("sha256:" + "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("sha256:../../../../etc/passwd")]
    [InlineData("sha512:" + Hex64)]
    public void TryParse_Malformed_IsRejected(string? text)
    {
        Assert.False(Digest.TryParse(text, out _));
    }
}
