using System.Buffers;

namespace Spegel.TestSupport.Images;

/// <summary>Builds gzip-compressed tar layers holding one file of seeded pseudo-random bytes.</summary>
internal static class LayerBuilder
{
    private const int ChunkSize = 64 * 1024;
    private const int FileMode = 0x1A4; // 0644

    /// <summary>Builds the layer; the result depends only on the arguments.</summary>
    /// <returns>The compressed layer and the digest of the uncompressed tar (the diff ID).</returns>
    public static (byte[] Gzip, string DiffId) Build(string fileName, int size, ulong contentSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);

        var padding = TarHeader.PaddingFor(size);
        var tarLength = TarHeader.BlockSize + (long)size + padding + TarHeader.TrailerSize;
        using var gzip = new StoredGzipBuilder(tarLength);

        Span<byte> block = stackalloc byte[TarHeader.BlockSize];
        TarHeader.Write(block, fileName, size, TarHeader.RegularFile, FileMode);
        gzip.Append(block);

        var random = new SplitMix64(contentSeed);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            for (var remaining = size; remaining > 0;)
            {
                var count = Math.Min(ChunkSize, remaining);
                random.Fill(chunk.AsSpan(0, count));
                gzip.Append(chunk.AsSpan(0, count));
                remaining -= count;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        Span<byte> zeros = stackalloc byte[TarHeader.BlockSize + TarHeader.TrailerSize];
        zeros.Clear();
        gzip.Append(zeros[..(padding + TarHeader.TrailerSize)]);
        return gzip.Complete();
    }
}
