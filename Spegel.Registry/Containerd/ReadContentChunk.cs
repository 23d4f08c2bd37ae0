using System.Buffers;

namespace Spegel.Registry.Containerd;

/// <summary>
/// One message of the content service's <c>Read</c> stream, with its bytes in an array rented from
/// <see cref="ArrayPool{T}.Shared"/>. Whoever holds the chunk calls <see cref="Release"/> once the bytes are copied
/// out; a chunk that is never released only costs the pool a miss.
/// </summary>
internal sealed class ReadContentChunk
{
    private byte[]? _buffer;

    /// <summary>
    /// Takes ownership of <paramref name="buffer"/>, whose first <paramref name="length"/> bytes are the data.
    /// </summary>
    /// <param name="offset">The offset containerd reported for the data.</param>
    /// <param name="buffer">A rented array, or <see langword="null"/> when the message carried no data.</param>
    /// <param name="length">How many bytes of <paramref name="buffer"/> are data.</param>
    public ReadContentChunk(long offset, byte[]? buffer, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer?.Length ?? 0);
        Offset = offset;
        Length = length;
        _buffer = buffer;
    }

    /// <summary>
    /// The offset containerd reported (see <see cref="ContainerdReadStream"/> for what it counts from).
    /// </summary>
    public long Offset { get; }

    /// <summary>How many bytes the message carried.</summary>
    public int Length { get; }

    /// <summary>The bytes; empty once released.</summary>
    public ReadOnlySpan<byte> Data => _buffer is null ? [] : _buffer.AsSpan(0, Length);

    /// <summary>Returns the array to the pool; later calls do nothing.</summary>
    public void Release()
    {
        var buffer = _buffer;
        _buffer = null;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
