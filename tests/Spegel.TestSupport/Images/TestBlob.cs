namespace Spegel.TestSupport.Images;

/// <summary>One content-addressed blob of a test image: an index, a manifest, a config or a layer.</summary>
/// <param name="Digest">The digest of <paramref name="Bytes"/>, <c>sha256:</c> followed by lower-case hex.</param>
/// <param name="MediaType">The media type under which descriptors refer to this blob.</param>
/// <param name="Bytes">The exact content; never modify it, other images may share the same array.</param>
public sealed record TestBlob(string Digest, string MediaType, byte[] Bytes)
{
    /// <summary>The length of the content in bytes.</summary>
    public long Size => Bytes.Length;

    /// <summary>The hex part of <see cref="Digest"/>, which is also the file name under <c>blobs/sha256/</c>.</summary>
    public string Hex => Digest["sha256:".Length..];
}
