using Grpc.Core;

namespace Spegel.Registry.Containerd;

/// <summary>
/// A forward-only stream over a content service <c>Read</c> call. Chunks are pulled from the call only when the
/// reader asks for more, so at most one chunk (containerd 1.6 sends 1 MiB) is held at a time, in a pooled array that
/// goes back to the pool as soon as its bytes are copied out or the stream is disposed. The stream knows
/// how many bytes it must deliver and throws <see cref="IOException"/> instead of ending early, so a truncated
/// blob is never mistaken for a complete one.
/// </summary>
internal sealed class ContainerdReadStream : Stream
{
    private readonly AsyncServerStreamingCall<ReadContentChunk> _call;
    private readonly long _end;
    private readonly long _offsetBase;
    private ReadContentChunk _chunk;
    private int _chunkPosition;
    private long _position;
    private bool _disposed;

    /// <summary>Wraps a call whose first chunk has already been received.</summary>
    /// <param name="call">The call; the stream owns and disposes it.</param>
    /// <param name="firstChunk">
    /// The first chunk, already checked to start at <paramref name="offset"/>; the stream owns it.
    /// </param>
    /// <param name="offset">The offset the read started at.</param>
    /// <param name="size">The whole blob's size.</param>
    /// <param name="offsetBase">
    /// What to add to the offsets in responses to make them offsets in the blob: containerd 1.6 counts them from the
    /// requested offset rather than from the start of the blob, so this is the requested offset for it and 0 for a
    /// daemon that reports offsets in the blob.
    /// </param>
    public ContainerdReadStream(
        AsyncServerStreamingCall<ReadContentChunk> call,
        ReadContentChunk firstChunk,
        long offset,
        long size,
        long offsetBase)
    {
        _call = call;
        _chunk = firstChunk;
        _position = offset;
        _end = size;
        _offsetBase = offsetBase;
    }

    /// <inheritdoc/>
    public override bool CanRead => !_disposed;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // A zero-byte read waits for data without taking any, as callers use it to avoid holding a buffer.
        while (_chunkPosition == _chunk.Length)
        {
            if (_position + _chunkPosition >= _end)
            {
                return 0;
            }

            await NextChunkAsync(cancellationToken);
        }

        if (buffer.Length == 0)
        {
            return 0;
        }

        var count = Math.Min(buffer.Length, _chunk.Length - _chunkPosition);
        _chunk.Data.Slice(_chunkPosition, count).CopyTo(buffer.Span);
        _chunkPosition += count;
        if (_chunkPosition == _chunk.Length)
        {
            // Consumed: the array goes back to the pool now, not when the next chunk arrives; Length stays readable.
            _chunk.Release();
        }

        return count;
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _chunk.Release();

            // Disposing an unfinished call cancels it on the server.
            _call.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task NextChunkAsync(CancellationToken cancellationToken)
    {
        var expectedOffset = _position + _chunk.Length;
        bool hasNext;
        try
        {
            hasNext = await _call.ResponseStream.MoveNext(cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled
            && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (RpcException ex)
        {
            throw new IOException(
                $"containerd's read stream failed at offset {expectedOffset} of {_end}: {ex.Status.Detail}", ex);
        }

        if (!hasNext)
        {
            throw new IOException($"containerd's read stream ended at offset {expectedOffset} of {_end}.");
        }

        var response = _call.ResponseStream.Current;
        if (_offsetBase + response.Offset != expectedOffset || response.Length == 0
            || expectedOffset + response.Length > _end)
        {
            response.Release();
            throw new IOException(
                $"containerd's read stream sent {response.Length} bytes at offset {_offsetBase + response.Offset}; "
                + $"expected offset {expectedOffset} of {_end}.");
        }

        _position = expectedOffset;
        _chunk = response;
        _chunkPosition = 0;
    }
}
