using System.Security.Cryptography;

namespace Spegel.Grains.Tests.Infrastructure;

/// <summary>Fresh grain keys, so that tests sharing a cluster never share a grain.</summary>
internal static class TestKeys
{
    public static string Digest() => "sha256:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string Tag() => $"docker.io/library/test-{Guid.NewGuid():N}:1.27";
}
