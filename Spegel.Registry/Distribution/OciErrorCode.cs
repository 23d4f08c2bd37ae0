namespace Spegel.Registry.Distribution;

/// <summary>
/// The error codes this endpoint answers with. <see cref="OciErrors"/> maps each one to its wire code, HTTP status
/// and default message; handlers only choose a code.
/// </summary>
public enum OciErrorCode
{
    /// <summary>The blob is not in this node's store nor in the cluster.</summary>
    BlobUnknown,

    /// <summary>The manifest is not in this node's store nor in the cluster.</summary>
    ManifestUnknown,

    /// <summary>The repository name does not follow the distribution grammar.</summary>
    NameInvalid,

    /// <summary>
    /// The digest is malformed or of an algorithm this mirror cannot verify, or a tag stood where a digest must.
    /// </summary>
    DigestInvalid,

    /// <summary>The manifest reference is neither a valid tag nor a valid digest.</summary>
    TagInvalid,

    /// <summary>The requested byte range lies outside the content.</summary>
    RangeInvalid,

    /// <summary>The method is not supported: this registry is read-only.</summary>
    Unsupported,

    /// <summary>The path is not part of the registry API.</summary>
    NotFound,

    /// <summary>A fault inside this process.</summary>
    Unknown,
}
