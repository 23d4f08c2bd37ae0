using System.Security.Cryptography;
using Spegel.Registry.Distribution;

namespace Spegel.Registry.Mirroring;

/// <summary>Checks bytes against the digest they were asked for by (<c>sha256</c> or <c>sha512</c>).</summary>
internal static class ContentHash
{
    /// <summary>Whether <paramref name="content"/> hashes to <paramref name="digest"/>.</summary>
    public static bool Matches(Digest digest, ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        var written = IsSha512(digest) ? SHA512.HashData(content, hash) : SHA256.HashData(content, hash);
        return HexEquals(digest, hash[..written]);
    }

    /// <summary>An incremental hash of the algorithm of <paramref name="digest"/>.</summary>
    public static IncrementalHash Create(Digest digest) =>
        IncrementalHash.CreateHash(IsSha512(digest) ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);

    /// <summary>Whether the bytes appended so far hash to <paramref name="digest"/>; leaves the hash usable.</summary>
    public static bool Matches(Digest digest, IncrementalHash hash)
    {
        Span<byte> value = stackalloc byte[SHA512.HashSizeInBytes];
        var written = hash.GetCurrentHash(value);
        return HexEquals(digest, value[..written]);
    }

    private static bool HexEquals(Digest digest, ReadOnlySpan<byte> hash)
    {
        Span<char> hex = stackalloc char[hash.Length * 2];
        Convert.TryToHexStringLower(hash, hex, out var charsWritten);
        return hex[..charsWritten].SequenceEqual(digest.Hex);
    }

    private static bool IsSha512(Digest digest) => digest.Algorithm == "sha512";
}
