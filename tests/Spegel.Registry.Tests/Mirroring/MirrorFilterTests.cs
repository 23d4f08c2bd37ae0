using Spegel.Registry.Distribution;
using Spegel.Registry.Mirroring;

namespace Spegel.Registry.Tests.Mirroring;

public sealed class MirrorFilterTests
{
    private static readonly Digest SomeDigest = Digest.Parse("sha256:" + new string('a', 64));

    [Theory]
    [InlineData("docker.io", null, true)]
    [InlineData("ghcr.io", null, true)]
    [InlineData("quay.io", null, false)]
    [InlineData("docker.io", ":latest$", true)]
    [InlineData("docker.io", ":v1$", false)]
    [InlineData("docker.io", "^docker\\.io/library/", false)]
    public void IsExcluded_TagRequest_FollowsRegistriesAndFilters(string registry, string? filter, bool mirrored)
    {
        var filterSet = new MirrorFilter(new MirrorOptions
        {
            MirroredRegistries = ["docker.io", "ghcr.io"],
            RegistryFilters = filter is null ? [] : [filter],
        });
        var request = new RegistryRequest(RegistryRoute.Manifest, false, "library/app", registry, "v1", default);

        var excluded = filterSet.IsExcluded(request, out var reason);

        Assert.Equal(!mirrored, excluded);
        Assert.Equal(excluded, reason is not null);
    }

    [Fact]
    public void IsExcluded_DigestRequest_IsMatchedInItsAtForm()
    {
        var filterSet = new MirrorFilter(new MirrorOptions { RegistryFilters = ["@sha256:a+$"] });
        var request = new RegistryRequest(RegistryRoute.Blob, false, "library/app", "docker.io", null, SomeDigest);

        Assert.True(filterSet.IsExcluded(request, out var reason));
        Assert.Equal($"docker.io/library/app@{SomeDigest} is excluded by filter '@sha256:a+$'", reason);
    }

    [Fact]
    public void IsExcluded_EmptyOptions_MirrorsEverything()
    {
        var filterSet = new MirrorFilter(new MirrorOptions());
        var request = new RegistryRequest(RegistryRoute.Blob, false, "any/name", "registry.example:5000", null, SomeDigest);

        Assert.False(filterSet.IsExcluded(request, out _));
    }

    [Fact]
    public void Constructor_InvalidPattern_Throws() =>
        Assert.ThrowsAny<ArgumentException>(() => new MirrorFilter(new MirrorOptions { RegistryFilters = ["("] }));
}
