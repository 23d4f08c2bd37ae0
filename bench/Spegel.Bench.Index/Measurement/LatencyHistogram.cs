using System.Diagnostics;
using System.Numerics;

namespace Spegel.Bench.Index.Measurement;

/// <summary>
/// A log-linear histogram of durations in <see cref="Stopwatch"/> ticks: 32 buckets per power of two, so a percentile
/// read from it is within about 3 % of the exact one, in constant memory however many samples it takes. Not thread
/// safe: give each loop its own and merge them.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 5;
    private const int SubBuckets = 1 << SubBucketBits;

    // Enough for any 64-bit tick count.
    private readonly long[] _counts = new long[(64 - SubBucketBits + 1) * SubBuckets];

    public long Count { get; private set; }

    public long MaxTicks { get; private set; }

    public long MinTicks { get; private set; } = long.MaxValue;

    public double TotalTicks { get; private set; }

    public void Record(long ticks)
    {
        ticks = Math.Max(0, ticks);
        _counts[IndexOf(ticks)]++;
        Count++;
        TotalTicks += ticks;
        MaxTicks = Math.Max(MaxTicks, ticks);
        MinTicks = Math.Min(MinTicks, ticks);
    }

    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        TotalTicks += other.TotalTicks;
        MaxTicks = Math.Max(MaxTicks, other.MaxTicks);
        MinTicks = Math.Min(MinTicks, other.MinTicks);
    }

    /// <summary>The duration below which <paramref name="quantile"/> of the samples fall (the middle of its bucket).</summary>
    public TimeSpan Percentile(double quantile)
    {
        if (Count == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (long)Math.Ceiling(quantile * Count);
        var seen = 0L;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= Math.Max(1, rank))
            {
                var (low, high) = BoundsOf(i);
                var middle = Math.Clamp(low + ((high - low) / 2), MinTicks, MaxTicks);
                return Stopwatch.GetElapsedTime(0, middle);
            }
        }

        return Stopwatch.GetElapsedTime(0, MaxTicks);
    }

    public TimeSpan Mean => Count == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, (long)(TotalTicks / Count));

    public TimeSpan Max => Stopwatch.GetElapsedTime(0, MaxTicks);

    /// <summary>How many samples lie in [<paramref name="from"/>, <paramref name="to"/>), counted by bucket start.</summary>
    public long CountBetween(TimeSpan from, TimeSpan to)
    {
        var fromTicks = ToTicks(from);
        var toTicks = to == TimeSpan.MaxValue ? long.MaxValue : ToTicks(to);
        var count = 0L;
        for (var i = 0; i < _counts.Length; i++)
        {
            var (low, _) = BoundsOf(i);
            if (low >= fromTicks && low < toTicks)
            {
                count += _counts[i];
            }
        }

        return count;
    }

    private static long ToTicks(TimeSpan duration) => (long)(duration.TotalSeconds * Stopwatch.Frequency);

    private static int IndexOf(long ticks)
    {
        var magnitude = 63 - BitOperations.LeadingZeroCount((ulong)ticks | 1);
        if (magnitude < SubBucketBits)
        {
            return (int)ticks;
        }

        var shift = magnitude - SubBucketBits;
        return ((shift + 1) * SubBuckets) + (int)((ticks >> shift) - SubBuckets);
    }

    /// <summary>The first tick count of bucket <paramref name="index"/> and the first of the next bucket.</summary>
    private static (long Low, long High) BoundsOf(int index)
    {
        if (index < SubBuckets)
        {
            return (index, index + 1);
        }

        var shift = (index / SubBuckets) - 1;
        var low = ((long)(index % SubBuckets) + SubBuckets) << shift;
        return (low, low + (1L << shift));
    }
}
