namespace Spegel.Bench.Index.Inventory;

/// <summary>
/// Draws popularity ranks 0 .. size - 1 with probability proportional to 1 / (rank + 1)^exponent: a few base layers
/// that nearly every node has, and a long tail of application layers that few nodes share.
/// </summary>
internal sealed class ZipfSampler
{
    private readonly double[] _cumulative;

    public ZipfSampler(int size, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);

        _cumulative = new double[size];
        var sum = 0.0;
        for (var rank = 0; rank < size; rank++)
        {
            sum += 1.0 / Math.Pow(rank + 1, exponent);
            _cumulative[rank] = sum;
        }

        for (var rank = 0; rank < size; rank++)
        {
            _cumulative[rank] /= sum;
        }
    }

    public int Size => _cumulative.Length;

    /// <summary>The probability of drawing <paramref name="rank"/>.</summary>
    public double Probability(int rank) => rank == 0 ? _cumulative[0] : _cumulative[rank] - _cumulative[rank - 1];

    public int Next(Random random)
    {
        var index = Array.BinarySearch(_cumulative, random.NextDouble());
        return Math.Min(index >= 0 ? index : ~index, _cumulative.Length - 1);
    }
}
