using System.Collections.Frozen;

namespace Spegel.Registry.Distribution;

/// <summary>
/// The one table of error codes: wire code (as the OCI distribution spec names it where the spec has one), HTTP
/// status and default message. <c>RANGE_INVALID</c> and <c>NOT_FOUND</c> are not spec codes; clients act on the
/// status, and the spec lets them ignore codes they do not know.
/// </summary>
public static class OciErrors
{
    /// <summary>One row of the table.</summary>
    /// <param name="Code">The wire code.</param>
    /// <param name="Status">The HTTP status.</param>
    /// <param name="Message">The default message.</param>
    public sealed record Entry(string Code, int Status, string Message);

    private static readonly FrozenDictionary<OciErrorCode, Entry> Table = new Dictionary<OciErrorCode, Entry>
    {
        [OciErrorCode.BlobUnknown] = new("BLOB_UNKNOWN", 404, "blob unknown to registry"),
        [OciErrorCode.ManifestUnknown] = new("MANIFEST_UNKNOWN", 404, "manifest unknown to registry"),
        [OciErrorCode.NameInvalid] = new("NAME_INVALID", 400, "invalid repository name"),
        [OciErrorCode.DigestInvalid] = new("DIGEST_INVALID", 400, "provided digest is invalid or unsupported"),
        [OciErrorCode.TagInvalid] = new("TAG_INVALID", 400, "reference is neither a valid tag nor a valid digest"),
        [OciErrorCode.RangeInvalid] = new("RANGE_INVALID", 416, "requested range not satisfiable"),
        [OciErrorCode.Unsupported] = new(
            "UNSUPPORTED", 405, "the operation is unsupported: this registry is read-only"),
        [OciErrorCode.NotFound] = new("NOT_FOUND", 404, "the path is not part of the registry API"),
        [OciErrorCode.Unknown] = new("UNKNOWN", 500, "unknown error"),
    }.ToFrozenDictionary();

    /// <summary>Looks up the row of <paramref name="code"/>.</summary>
    public static Entry Get(OciErrorCode code) => Table[code];
}
