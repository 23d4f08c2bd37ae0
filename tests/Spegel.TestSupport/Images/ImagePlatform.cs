namespace Spegel.TestSupport.Images;

/// <summary>A platform written <c>os/architecture[/variant]</c>, e.g. <c>linux/arm64</c> or <c>linux/arm/v7</c>.</summary>
internal sealed record ImagePlatform(string Os, string Architecture, string? Variant)
{
    /// <summary>Parses <c>os/architecture[/variant]</c>.</summary>
    /// <exception cref="ArgumentException">The text has fewer than two or more than three non-empty parts.</exception>
    public static ImagePlatform Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);

        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"Platform '{text}' is not of the form os/architecture[/variant].", nameof(text));
        }

        return new ImagePlatform(parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
    }

    /// <summary>The text form, <c>os/architecture[/variant]</c>.</summary>
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
