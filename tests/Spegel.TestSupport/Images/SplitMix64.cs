using System.Buffers.Binary;

namespace Spegel.TestSupport.Images;

/// <summary>
/// The SplitMix64 generator (Steele, Lea and Flood, 2014). Written out here rather than using
/// <see cref="Random"/>, whose algorithm is not guaranteed to stay the same between .NET versions.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>Returns the next 64 pseudo-random bits.</summary>
    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Fills <paramref name="destination"/> with pseudo-random bytes, eight at a time, little-endian.</summary>
    public void Fill(Span<byte> destination)
    {
        while (destination.Length >= sizeof(ulong))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination, Next());
            destination = destination[sizeof(ulong)..];
        }

        if (destination.Length > 0)
        {
            Span<byte> last = stackalloc byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64LittleEndian(last, Next());
            last[..destination.Length].CopyTo(destination);
        }
    }

    /// <summary>The SplitMix64 finaliser: a bijective mix of all 64 bits.</summary>
    public static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
