using System.Diagnostics.CodeAnalysis;

namespace Spegel.Registry.Distribution;

/// <summary>
/// A content address in the form <c>algorithm:hex</c>. Only the algorithms this mirror can verify are accepted:
/// <c>sha256</c> (64 hex digits) and <c>sha512</c> (128 hex digits), lower-case hex only, as the OCI image spec
/// requires.
/// </summary>
public readonly record struct Digest
{
    private Digest(string value, int separator)
    {
        Value = value;
        _separator = separator;
    }

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create(
        "0123456789abcdef");

    private readonly int _separator;

    /// <summary>The whole digest, e.g. <c>sha256:e3b0…</c>.</summary>
    public string Value { get; }

    /// <summary>The algorithm part, e.g. <c>sha256</c>.</summary>
    public string Algorithm => Value[.._separator];

    /// <summary>The lower-case hex part.</summary>
    public string Hex => Value[(_separator + 1)..];

    /// <summary>
    /// Parses a digest; returns false for anything malformed or of an algorithm this mirror cannot verify.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Digest digest)
    {
        digest = default;
        if (text is null)
        {
            return false;
        }

        var separator = text.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        var expectedHexLength = text.AsSpan(0, separator) switch
        {
            "sha256" => 64,
            "sha512" => 128,
            _ => -1,
        };
        var hex = text.AsSpan(separator + 1);
        if (hex.Length != expectedHexLength || !IsLowerHex(hex))
        {
            return false;
        }

        digest = new Digest(text, separator);
        return true;

        static bool IsLowerHex(ReadOnlySpan<char> span) => !span.ContainsAnyExcept(LowerHex);
    }

    /// <summary>Parses a digest that is known to be valid, e.g. one read from a store's own index.</summary>
    /// <exception cref="FormatException">The text is not a supported digest.</exception>
    public static Digest Parse(string text) =>
        TryParse(text, out var digest) ? digest : throw new FormatException($"'{text}' is not a supported digest.");

    /// <summary>Whether the digest carries a value (the default instance does not).</summary>
    public bool IsEmpty => Value is null;

    /// <inheritdoc/>
    public override string ToString() => Value ?? string.Empty;
}
