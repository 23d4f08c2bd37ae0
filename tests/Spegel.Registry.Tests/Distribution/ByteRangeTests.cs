using Spegel.Registry.Distribution;

namespace Spegel.Registry.Tests.Distribution;

public sealed class ByteRangeTests
{
    [Theory]
    [InlineData("bytes=0-99", 1000, ByteRangeKind.Partial, 0, 100)]
    [InlineData("bytes=100-", 1000, ByteRangeKind.Partial, 100, 900)]
    [InlineData("bytes=-100", 1000, ByteRangeKind.Partial, 900, 100)]
    [InlineData("bytes=-5000", 1000, ByteRangeKind.Partial, 0, 1000)]
    [InlineData("bytes=999-999", 1000, ByteRangeKind.Partial, 999, 1)]
    [InlineData("bytes=990-5000", 1000, ByteRangeKind.Partial, 990, 10)]
    [InlineData("bytes=0-99999999999999999999999", 1000, ByteRangeKind.Partial, 0, 1000)]
    [InlineData("BYTES=0-0", 1000, ByteRangeKind.Partial, 0, 1)]
    [InlineData("bytes= 5 - 9 ", 1000, ByteRangeKind.Partial, 5, 5)]
    [InlineData("bytes=1000-", 1000, ByteRangeKind.Unsatisfiable, 0, 0)]
    [InlineData("bytes=5000-6000", 1000, ByteRangeKind.Unsatisfiable, 0, 0)]
    [InlineData("bytes=99999999999999999999999-", 1000, ByteRangeKind.Unsatisfiable, 0, 0)]
    [InlineData("bytes=-0", 1000, ByteRangeKind.Unsatisfiable, 0, 0)]
    [InlineData("bytes=0-", 0, ByteRangeKind.Unsatisfiable, 0, 0)]
    [InlineData("", 1000, ByteRangeKind.Whole, 0, 1000)]
    [InlineData("bytes=0-1,5-9", 1000, ByteRangeKind.Whole, 0, 1000)]
    [InlineData("bytes=9-5", 1000, ByteRangeKind.Whole, 0, 1000)]
    [InlineData("bytes=-5-10", 1000, ByteRangeKind.Whole, 0, 1000)]
    [InlineData("bytes=a-b", 1000, ByteRangeKind.Whole, 0, 1000)]
    [InlineData("items=0-5", 1000, ByteRangeKind.Whole, 0, 1000)]
    [InlineData("bytes=", 1000, ByteRangeKind.Whole, 0, 1000)]
    [InlineData("bytes=-", 1000, ByteRangeKind.Whole, 0, 1000)]
    [InlineData("bytes=+5-9", 1000, ByteRangeKind.Whole, 0, 1000)]
    public void Parse_HeaderAgainstSize_GivesExpectedRange(string header, long size, ByteRangeKind kind, long start, long length)
    {
        var range = ByteRange.Parse(header, size);

        Assert.Equal(new ByteRange(kind, start, length), range);
    }

    [Fact]
    public void Parse_OverlongHeader_IsIgnored()
    {
        var header = "bytes=0-" + new string('9', 5000);

        var range = ByteRange.Parse(header, 10);

        Assert.Equal(ByteRangeKind.Whole, range.Kind);
    }
}
