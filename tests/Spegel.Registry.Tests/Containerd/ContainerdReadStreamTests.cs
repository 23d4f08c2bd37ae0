using System.Buffers;
using Grpc.Core;
using Spegel.Registry.Containerd;

namespace Spegel.Registry.Tests.Containerd;

public sealed class ContainerdReadStreamTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Read_AllChunksArrive_ReturnsEveryByteFromTheOffset()
    {
        await using var stream = Create(offset: 2, size: 8, offsetBase: 2, Chunk(0, 1, 2, 3), Chunk(3, 4, 5, 6));

        var bytes = await ReadAllAsync(stream);

        Assert.Equal([1, 2, 3, 4, 5, 6], bytes);
    }

    [Fact]
    public async Task Read_StreamEndsEarly_ThrowsInsteadOfEnding()
    {
        await using var stream = Create(offset: 0, size: 10, offsetBase: 0, Chunk(0, 1, 2, 3), Chunk(3, 4));

        await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(stream));
    }

    [Fact]
    public async Task Read_ServerFailsMidway_ThrowsIOException()
    {
        await using var stream = Create(offset: 0, size: 10, offsetBase: 0, Chunk(0, 1, 2, 3), new RpcException(new Status(StatusCode.NotFound, "gone")));

        await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(stream));
    }

    [Fact]
    public async Task Read_ChunkAtTheWrongOffset_ThrowsIOException()
    {
        await using var stream = Create(offset: 0, size: 10, offsetBase: 0, Chunk(0, 1, 2, 3), Chunk(5, 4, 5));

        await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(stream));
    }

    [Fact]
    public async Task Read_ZeroBytes_WaitsForDataWithoutConsumingIt()
    {
        await using var stream = Create(offset: 0, size: 4, offsetBase: 0, Chunk(0, 1, 2), Chunk(2, 3, 4));
        var buffer = new byte[2];
        Assert.Equal(2, await stream.ReadAsync(buffer, Cancellation));

        var zero = await stream.ReadAsync(Memory<byte>.Empty, Cancellation);
        var rest = await ReadAllAsync(stream);

        Assert.Equal(0, zero);
        Assert.Equal([3, 4], rest);
    }

    [Fact]
    public async Task Read_ChunkCopiedOut_GoesBackToThePool()
    {
        var first = Chunk(0, 1, 2);
        var second = Chunk(2, 3, 4);
        await using var stream = Create(offset: 0, size: 4, offsetBase: 0, first, second);
        var buffer = new byte[1];

        var firstRead = await stream.ReadAsync(buffer, Cancellation);
        var heldAfterPart = first.Data.Length;
        var secondRead = await stream.ReadAsync(buffer, Cancellation);

        Assert.Equal((1, 1), (firstRead, secondRead));
        Assert.Equal(2, heldAfterPart);
        Assert.Equal(0, first.Data.Length);
        Assert.Equal(2, second.Data.Length);
    }

    [Fact]
    public async Task Dispose_ChunkPartlyRead_GoesBackToThePool()
    {
        var first = Chunk(0, 1, 2, 3);
        var stream = Create(offset: 0, size: 3, offsetBase: 0, first);
        Assert.Equal(1, await stream.ReadAsync(new byte[1], Cancellation));

        await stream.DisposeAsync();

        Assert.Equal(0, first.Data.Length);
    }

    [Fact]
    public async Task Read_ChunkAtTheWrongOffset_ReleasesTheRejectedChunk()
    {
        var wrong = Chunk(5, 4, 5);
        await using var stream = Create(offset: 0, size: 10, offsetBase: 0, Chunk(0, 1, 2, 3), wrong);

        await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(stream));

        Assert.Equal(0, wrong.Data.Length);
    }

    private static ContainerdReadStream Create(long offset, long size, long offsetBase, ReadContentChunk first, params object[] rest)
    {
        var reader = new ScriptedReader(rest);
        var call = new AsyncServerStreamingCall<ReadContentChunk>(
            reader, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        return new ContainerdReadStream(call, first, offset, size, offsetBase);
    }

    /// <summary>A chunk in a rented array, as <see cref="ReadContentMethod"/> makes them.</summary>
    private static ReadContentChunk Chunk(long offset, params byte[] data)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(buffer, 0);
        return new ReadContentChunk(offset, buffer, data.Length);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, Cancellation);
        return buffer.ToArray();
    }

    /// <summary>Replays responses, or throws an exception placed among them.</summary>
    private sealed class ScriptedReader(IReadOnlyList<object> script) : IAsyncStreamReader<ReadContentChunk>
    {
        private int _next;

        public ReadContentChunk Current { get; private set; } = new(0, null, 0);

        public Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (_next == script.Count)
            {
                return Task.FromResult(false);
            }

            switch (script[_next++])
            {
                case Exception ex:
                    return Task.FromException<bool>(ex);
                case ReadContentChunk chunk:
                    Current = chunk;
                    return Task.FromResult(true);
                default:
                    throw new InvalidOperationException("Scripts hold responses and exceptions only.");
            }
        }
    }
}
