using System.Diagnostics.CodeAnalysis;

namespace Spegel.Registry.Distribution;

/// <summary>
/// Turns a raw request target into a <see cref="RegistryRequest"/> or an error. Works on the raw, undecoded path, so
/// that percent-encoded separators and dot segments can never reach a store: a name is only ever made of the
/// characters the distribution grammar allows.
/// </summary>
/// <remarks>
/// Precedence: a path outside the API is 404 <c>NOT_FOUND</c>; then name, reference and <c>ns</c> validation (400);
/// then the method (405 with <c>Allow: GET, HEAD</c>), so that a malformed request is reported as malformed whatever
/// its method.
/// </remarks>
public static class RegistryRequestParser
{
    private const string Prefix = "/v2/";
    private const string ManifestsSegment = "/manifests";
    private const string BlobsSegment = "/blobs";

    /// <summary>The outcome of parsing: a request, or an error code with a detail for the error body.</summary>
    /// <param name="Request">The request, when valid.</param>
    /// <param name="Error">The error, when not.</param>
    /// <param name="Detail">What exactly was wrong.</param>
    public readonly record struct Result(RegistryRequest? Request, OciErrorCode Error, string? Detail)
    {
        /// <summary>Whether parsing succeeded.</summary>
        [MemberNotNullWhen(true, nameof(Request))]
        public bool IsValid => Request is not null;
    }

    /// <summary>Parses a request.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="rawPath">The raw path, without the query string, exactly as the client sent it.</param>
    /// <param name="ns">The decoded <c>ns</c> query value, or <see langword="null"/>.</param>
    /// <param name="defaultRegistry">The registry a request without <c>ns</c> refers to.</param>
    public static Result Parse(string method, ReadOnlySpan<char> rawPath, string? ns, string defaultRegistry)
    {
        var isHead = HttpMethodIs(method, "HEAD");
        var isRead = isHead || HttpMethodIs(method, "GET");
        if (rawPath is "/v2" or Prefix)
        {
            return isRead
                ? new Result(new RegistryRequest(RegistryRoute.ApiVersion, isHead, "", defaultRegistry, null, default),
                    default, null)
                : Fail(OciErrorCode.Unsupported, $"method {method} is not allowed");
        }

        if (!rawPath.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Fail(OciErrorCode.NotFound, null);
        }

        var rest = rawPath[Prefix.Length..];
        var lastSlash = rest.LastIndexOf('/');
        if (lastSlash < 0)
        {
            return Fail(OciErrorCode.NotFound, null);
        }

        var reference = rest[(lastSlash + 1)..];

        // The slash before the name is kept so that "/v2/manifests/x" reads as an empty name, not as no route.
        var beforeReference = rawPath[(Prefix.Length - 1)..(Prefix.Length + lastSlash)];
        RegistryRoute route;
        ReadOnlySpan<char> name;
        if (beforeReference.EndsWith(ManifestsSegment, StringComparison.Ordinal))
        {
            route = RegistryRoute.Manifest;
            name = beforeReference.Length > ManifestsSegment.Length ? beforeReference[1..^ManifestsSegment.Length] : [];
        }
        else if (beforeReference.EndsWith(BlobsSegment, StringComparison.Ordinal))
        {
            route = RegistryRoute.Blob;
            name = beforeReference.Length > BlobsSegment.Length ? beforeReference[1..^BlobsSegment.Length] : [];
        }
        else
        {
            return Fail(OciErrorCode.NotFound, null);
        }

        if (!DistributionGrammar.IsValidRepositoryName(name))
        {
            return Fail(OciErrorCode.NameInvalid, DescribeName(name));
        }

        string? tag = null;
        Digest digest = default;
        var looksLikeDigest = reference.Contains(':');
        if (route == RegistryRoute.Blob || looksLikeDigest)
        {
            if (!Digest.TryParse(reference.ToString(), out digest))
            {
                return Fail(OciErrorCode.DigestInvalid, route == RegistryRoute.Blob && !looksLikeDigest
                    ? "blobs are addressed by digest, not by tag"
                    : "expected sha256:<64 hex> or sha512:<128 hex>, lower case");
            }
        }
        else if (DistributionGrammar.IsValidTag(reference))
        {
            tag = reference.ToString();
        }
        else
        {
            return Fail(OciErrorCode.TagInvalid,
                "a tag is 1 to 128 characters of [A-Za-z0-9_.-], not starting with . or -");
        }

        if (ns is not null && !DistributionGrammar.IsValidRegistryHost(ns))
        {
            return Fail(OciErrorCode.NameInvalid, "the ns query parameter is not a registry host");
        }

        if (!isRead)
        {
            return Fail(OciErrorCode.Unsupported, $"method {method} is not allowed");
        }

        var request = new RegistryRequest(route, isHead, name.ToString(), ns ?? defaultRegistry, tag, digest);
        return new Result(request, default, null);

        static Result Fail(OciErrorCode code, string? detail) => new(null, code, detail);

        static bool HttpMethodIs(string method, string expected) =>
            string.Equals(method, expected, StringComparison.Ordinal);

        static string DescribeName(ReadOnlySpan<char> name) => name.Length > DistributionGrammar.MaxRepositoryNameLength
            ? $"the name is {name.Length} characters long; "
                + $"at most {DistributionGrammar.MaxRepositoryNameLength} are allowed"
            : "a name is lower-case path components of [a-z0-9] joined by '.', '_', '__' or '-', separated by '/'";
    }
}
