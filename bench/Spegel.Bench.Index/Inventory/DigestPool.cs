using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Spegel.Bench.Index.Inventory;

/// <summary>
/// Deterministic, realistic-looking digests (<c>sha256:</c> and 64 hex digits), the same for the same seed and index.
/// </summary>
internal static class DigestPool
{
    /// <summary>Creates <paramref name="size"/> digests; pool index <c>i</c> is the digest of popularity rank <c>i + 1</c>.</summary>
    public static string[] Create(int size, int seed) => CreateRange(0, size, seed);

    /// <summary>Creates the digests of indexes <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> - 1.</summary>
    public static string[] CreateRange(int start, int count, int seed)
    {
        var digests = new string[count];
        Span<byte> input = stackalloc byte[8];
        Span<byte> hash = stackalloc byte[32];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(input, seed);
            BinaryPrimitives.WriteInt32LittleEndian(input[4..], start + i);
            SHA256.HashData(input, hash);
            digests[i] = "sha256:" + Convert.ToHexStringLower(hash);
        }

        return digests;
    }
}
