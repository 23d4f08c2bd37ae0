using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Spegel.TestSupport.Images;

/// <summary>
/// Builds a gzip member whose deflate stream holds only stored (uncompressed) blocks, straight into an array of
/// the exact final size, while hashing the uncompressed bytes with SHA-256 (the diff ID) on the way.
/// </summary>
/// <remarks>
/// Layer content is pseudo-random and would not shrink anyway. Stored blocks make the output a function of the
/// input alone (<c>GZipStream</c>'s output depends on the zlib build of the runtime) and cost a copy, not a
/// compression pass. Any gzip reader, containerd's included, accepts them.
/// </remarks>
internal sealed class StoredGzipBuilder : IDisposable
{
    /// <summary>The largest stored block deflate allows (RFC 1951, 3.2.4: LEN is 16 bits).</summary>
    private const int MaxBlockLength = ushort.MaxValue;

    /// <summary>ID1, ID2, CM = deflate, no flags, MTIME = 0, no extra flags, OS = unknown (RFC 1952, 2.3).</summary>
    private static readonly byte[] Header = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF];

    private const int TrailerLength = 8;
    private const int BlockHeaderLength = 5;

    private readonly byte[] _output;
    private readonly long _uncompressedLength;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _remaining;
    private int _blockRemaining;
    private int _position;
    private uint _crc = Crc32.Initial;

    /// <summary>Starts a member that will hold exactly <paramref name="uncompressedLength"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The result would not fit in one array.</exception>
    public StoredGzipBuilder(long uncompressedLength)
    {
        var blocks = Math.Max(1, (uncompressedLength + MaxBlockLength - 1) / MaxBlockLength);
        var length = Header.Length + (blocks * BlockHeaderLength) + uncompressedLength + TrailerLength;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength, nameof(uncompressedLength));

        _output = new byte[length];
        _uncompressedLength = uncompressedLength;
        _remaining = uncompressedLength;
        Header.CopyTo(_output, 0);
        _position = Header.Length;
        if (uncompressedLength == 0)
        {
            StartBlock();
        }
    }

    /// <summary>Appends uncompressed bytes.</summary>
    /// <exception cref="InvalidOperationException">More bytes than announced.</exception>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.Length > _remaining)
        {
            throw new InvalidOperationException("More data than the announced length.");
        }

        _sha256.AppendData(data);
        _crc = Crc32.Append(_crc, data);
        while (data.Length > 0)
        {
            if (_blockRemaining == 0)
            {
                StartBlock();
            }

            var count = Math.Min(_blockRemaining, data.Length);
            data[..count].CopyTo(_output.AsSpan(_position));
            _position += count;
            _blockRemaining -= count;
            _remaining -= count;
            data = data[count..];
        }
    }

    /// <summary>Writes the trailer and returns the gzip bytes and the digest of the uncompressed bytes.</summary>
    /// <exception cref="InvalidOperationException">Fewer bytes than announced.</exception>
    public (byte[] Gzip, string UncompressedDigest) Complete()
    {
        if (_remaining != 0 || _position != _output.Length - TrailerLength)
        {
            throw new InvalidOperationException("Less data than the announced length.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_output.AsSpan(_position), Crc32.Finish(_crc));
        BinaryPrimitives.WriteUInt32LittleEndian(_output.AsSpan(_position + 4), unchecked((uint)_uncompressedLength));
        return (_output, "sha256:" + Convert.ToHexStringLower(_sha256.GetHashAndReset()));
    }

    /// <inheritdoc/>
    public void Dispose() => _sha256.Dispose();

    private void StartBlock()
    {
        var length = (int)Math.Min(MaxBlockLength, _remaining);
        var isFinal = length == _remaining;

        // BFINAL in bit 0, BTYPE = 00 (stored); the rest of the byte is padding to the byte boundary.
        _output[_position] = isFinal ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(_output.AsSpan(_position + 1), (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(_output.AsSpan(_position + 3), (ushort)~length);
        _position += BlockHeaderLength;
        _blockRemaining = length;
    }
}
