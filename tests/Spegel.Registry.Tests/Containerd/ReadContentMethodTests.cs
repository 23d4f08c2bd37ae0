using System.Buffers;
using Google.Protobuf;
using Spegel.Registry.Containerd;
using Spegel.Registry.Containerd.Api.Content;

namespace Spegel.Registry.Tests.Containerd;

public sealed class ReadContentMethodTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1)]
    [InlineData(1 << 20, 300)]
    [InlineData(long.MaxValue - 1, 1 << 20)]
    public void Parse_MessageFromTheGeneratedSerializer_ReturnsItsOffsetAndData(long offset, int length)
    {
        var data = RandomBytes(length);
        var message = Serialize(offset, data);

        var chunk = ReadContentMethod.Parse(new ReadOnlySequence<byte>(message));

        Assert.Equal(offset, chunk.Offset);
        Assert.Equal(length, chunk.Length);
        Assert.True(chunk.Data.SequenceEqual(data));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public void Parse_MessageSplitAcrossSegments_ReturnsTheSameData(int segmentSize)
    {
        var data = RandomBytes(10_000);
        var message = Serialize(42, data);

        var chunk = ReadContentMethod.Parse(Segmented(message, segmentSize));

        Assert.Equal(42, chunk.Offset);
        Assert.True(chunk.Data.SequenceEqual(data));
    }

    [Fact]
    public void Parse_FieldsItDoesNotKnow_AreSkipped()
    {
        var data = RandomBytes(100);
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer))
        {
            output.WriteTag(7, WireFormat.WireType.Varint);
            output.WriteUInt64(ulong.MaxValue);
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt64(9);
            output.WriteTag(8, WireFormat.WireType.Fixed64);
            output.WriteFixed64(1);
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(data));
            output.WriteTag(9, WireFormat.WireType.LengthDelimited);
            output.WriteString("ignored");
            output.WriteTag(10, WireFormat.WireType.Fixed32);
            output.WriteFixed32(1);
        }

        var chunk = ReadContentMethod.Parse(new ReadOnlySequence<byte>(buffer.ToArray()));

        Assert.Equal(9, chunk.Offset);
        Assert.True(chunk.Data.SequenceEqual(data));
    }

    [Fact]
    public void Parse_DataFieldRepeated_KeepsTheLastValue()
    {
        var message = Serialize(0, [1, 2, 3]).Concat(Serialize(5, [4, 5])).ToArray();

        var chunk = ReadContentMethod.Parse(new ReadOnlySequence<byte>(message));

        Assert.Equal(5, chunk.Offset);
        Assert.Equal([4, 5], chunk.Data.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(50)]
    public void Parse_MessageCutShort_ThrowsInvalidDataException(int missingBytes)
    {
        var message = Serialize(1 << 20, RandomBytes(50));

        Assert.Throws<InvalidDataException>(() => ReadContentMethod.Parse(new ReadOnlySequence<byte>(message[..^missingBytes])));
    }

    [Theory]
    [InlineData(new byte[] { 0x0b })] // field 1, start group: a wire type the message never uses
    [InlineData(new byte[] { 0x00, 0x00 })] // field 0
    [InlineData(new byte[] { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })] // an 11-byte varint
    public void Parse_MalformedMessage_ThrowsInvalidDataException(byte[] message)
    {
        Assert.Throws<InvalidDataException>(() => ReadContentMethod.Parse(new ReadOnlySequence<byte>(message)));
    }

    [Fact]
    public void Release_CalledTwice_EmptiesTheChunkOnce()
    {
        var chunk = ReadContentMethod.Parse(new ReadOnlySequence<byte>(Serialize(0, [1, 2, 3])));

        chunk.Release();
        chunk.Release();

        Assert.Equal(0, chunk.Data.Length);
        Assert.Equal(3, chunk.Length);
    }

    private static byte[] Serialize(long offset, byte[] data) =>
        new ReadContentResponse { Offset = offset, Data = ByteString.CopyFrom(data) }.ToByteArray();

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(segmentSize, bytes.Length)), 0);
        var last = first;
        for (var start = segmentSize; start < bytes.Length; start += segmentSize)
        {
            last = last.Append(bytes.AsMemory(start, Math.Min(segmentSize, bytes.Length - start)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
