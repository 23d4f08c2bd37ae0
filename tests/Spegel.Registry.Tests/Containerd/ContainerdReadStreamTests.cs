using Google.Protobuf;
using Grpc.Core;
using Spegel.Registry.Containerd;
using Spegel.Registry.Containerd.Api.Content;

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

    private static ContainerdReadStream Create(long offset, long size, long offsetBase, ReadContentResponse first, params object[] rest)
    {
        var reader = new ScriptedReader(rest);
        var call = new AsyncServerStreamingCall<ReadContentResponse>(
            reader, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        return new ContainerdReadStream(call, first.Data, offset, size, offsetBase);
    }

    private static ReadContentResponse Chunk(long offset, params byte[] data) => new() { Offset = offset, Data = ByteString.CopyFrom(data) };

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, Cancellation);
        return buffer.ToArray();
    }

    /// <summary>Replays responses, or throws an exception placed among them.</summary>
    private sealed class ScriptedReader(IReadOnlyList<object> script) : IAsyncStreamReader<ReadContentResponse>
    {
        private int _next;

        public ReadContentResponse Current { get; private set; } = new();

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
                case ReadContentResponse response:
                    Current = response;
                    return Task.FromResult(true);
                default:
                    throw new InvalidOperationException("Scripts hold responses and exceptions only.");
            }
        }
    }
}
