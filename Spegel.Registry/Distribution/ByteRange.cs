namespace Spegel.Registry.Distribution;

/// <summary>How a <c>Range</c> header applies to content of a known size.</summary>
public enum ByteRangeKind
{
    /// <summary>
    /// No usable range: absent, syntactically invalid or multi-range. Serve the whole content with 200.
    /// </summary>
    Whole,

    /// <summary>One satisfiable range: serve it with 206 and <c>Content-Range</c>.</summary>
    Partial,

    /// <summary>A valid range that lies outside the content: 416 with <c>Content-Range: bytes */size</c>.</summary>
    Unsatisfiable,
}

/// <summary>
/// The outcome of applying a single-range <c>Range</c> header (<c>bytes=a-b</c>, <c>bytes=a-</c>, <c>bytes=-n</c>)
/// to content of <c>size</c> bytes, per RFC 9110 §14.
/// </summary>
/// <param name="Kind">Which answer to give.</param>
/// <param name="Start">First byte to send (0 for <see cref="ByteRangeKind.Whole"/>).</param>
/// <param name="Length">Bytes to send (the whole size for <see cref="ByteRangeKind.Whole"/>).</param>
public readonly record struct ByteRange(ByteRangeKind Kind, long Start, long Length)
{
    // A longer header is not a range any client sends; ignoring it (serving the whole body) is what HTTP allows.
    private const int MaxHeaderLength = 64;

    /// <summary>
    /// Applies <paramref name="header"/> (may be null or empty) to content of <paramref name="size"/> bytes.
    /// </summary>
    public static ByteRange Parse(ReadOnlySpan<char> header, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var whole = new ByteRange(ByteRangeKind.Whole, 0, size);
        if (header.IsEmpty || header.Length > MaxHeaderLength
            || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return whole;
        }

        var spec = header["bytes=".Length..].Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0 || spec.Contains(','))
        {
            return whole;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            return Suffix(last, size, whole);
        }

        if (!IsDigits(first) || (!last.IsEmpty && !IsDigits(last)))
        {
            return whole;
        }

        // A first-byte position too large for a long is certainly past the end.
        if (!long.TryParse(first, out var start) || start >= size)
        {
            return new ByteRange(ByteRangeKind.Unsatisfiable, 0, 0);
        }

        // A last-byte position past the end (even one too large for a long) means "to the end".
        var end = last.IsEmpty || !long.TryParse(last, out var parsedEnd) || parsedEnd >= size ? size - 1 : parsedEnd;
        if (end < start)
        {
            return whole;
        }

        return new ByteRange(ByteRangeKind.Partial, start, end - start + 1);

        static ByteRange Suffix(ReadOnlySpan<char> digits, long size, ByteRange whole)
        {
            if (!IsDigits(digits))
            {
                return whole;
            }

            if (!long.TryParse(digits, out var count))
            {
                count = long.MaxValue;
            }

            if (count == 0 || size == 0)
            {
                return new ByteRange(ByteRangeKind.Unsatisfiable, 0, 0);
            }

            var length = Math.Min(count, size);
            return new ByteRange(ByteRangeKind.Partial, size - length, length);
        }

        static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');
    }
}
