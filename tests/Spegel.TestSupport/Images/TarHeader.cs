using System.Text;

namespace Spegel.TestSupport.Images;

/// <summary>
/// Writes POSIX ustar headers with fixed owner, group, time and mode, so that the same entries always give the
/// same bytes. Written by hand rather than with <c>System.Formats.Tar</c> to keep the bytes independent of the
/// runtime version: digests computed today must still match in a year.
/// </summary>
internal static class TarHeader
{
    /// <summary>The size of a tar block; headers are one block and data is padded to whole blocks.</summary>
    public const int BlockSize = 512;

    /// <summary>The end-of-archive marker: two zero blocks.</summary>
    public const int TrailerSize = 2 * BlockSize;

    /// <summary>The regular file type flag.</summary>
    public const byte RegularFile = (byte)'0';

    /// <summary>The directory type flag.</summary>
    public const byte Directory = (byte)'5';

    /// <summary>2000-01-01T00:00:00Z: any fixed time works; a non-zero one looks less like a missing value.</summary>
    private const long ModificationTime = 946_684_800;

    /// <summary>Number of bytes after the data of an entry of <paramref name="size"/> bytes up to the next block.</summary>
    public static int PaddingFor(long size) => (int)((BlockSize - (size % BlockSize)) % BlockSize);

    /// <summary>Fills <paramref name="header"/> (one block) with a header for <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not ASCII or longer than 100 bytes.</exception>
    public static void Write(Span<byte> header, string name, long size, byte typeFlag, int mode)
    {
        if (name.Length > 100 || !Ascii.IsValid(name))
        {
            throw new ArgumentException($"Tar entry name '{name}' must be ASCII and at most 100 characters.", nameof(name));
        }

        header[..BlockSize].Clear();
        Encoding.ASCII.GetBytes(name, header[..100]);
        WriteOctal(header.Slice(100, 8), mode);
        WriteOctal(header.Slice(108, 8), 0);
        WriteOctal(header.Slice(116, 8), 0);
        WriteOctal(header.Slice(124, 12), size);
        WriteOctal(header.Slice(136, 12), ModificationTime);
        header.Slice(148, 8).Fill((byte)' ');
        header[156] = typeFlag;
        "ustar\000"u8.CopyTo(header[257..]);
        WriteOctal(header.Slice(329, 8), 0);
        WriteOctal(header.Slice(337, 8), 0);

        // The checksum is the sum of all header bytes with its own field read as spaces.
        var sum = 0;
        foreach (var b in header[..BlockSize])
        {
            sum += b;
        }

        WriteOctal(header.Slice(148, 7), sum);
        header[155] = (byte)' ';
    }

    /// <summary>Writes <paramref name="value"/> as zero-padded octal digits followed by a NUL.</summary>
    private static void WriteOctal(Span<byte> field, long value)
    {
        var digits = field.Length - 1;
        for (var i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }

        if (value != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Value does not fit in a ustar header field.");
        }

        field[digits] = 0;
    }
}
