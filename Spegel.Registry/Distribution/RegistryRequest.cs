namespace Spegel.Registry.Distribution;

/// <summary>A validated request to the registry endpoint.</summary>
/// <param name="Route">Which part of the API is asked for.</param>
/// <param name="IsHead">Whether only headers are wanted.</param>
/// <param name="Repository">The repository name (empty for <see cref="RegistryRoute.ApiVersion"/>).</param>
/// <param name="Registry">
/// The upstream registry the request refers to: <c>?ns=</c>, else the configured default.
/// </param>
/// <param name="Tag">The tag, when a manifest is asked for by tag.</param>
/// <param name="Digest">The digest, when content is asked for by digest.</param>
public sealed record RegistryRequest(
    RegistryRoute Route,
    bool IsHead,
    string Repository,
    string Registry,
    string? Tag,
    Digest Digest)
{
    /// <summary>
    /// The tagged image name this request resolves, or <see langword="null"/> when it names a digest.
    /// </summary>
    public ImageName? ImageName => Tag is null ? null : new ImageName(Registry, Repository, Tag);

    /// <summary>The reference as the client wrote it: the tag or the digest.</summary>
    public string Reference => Tag ?? Digest.Value;
}
