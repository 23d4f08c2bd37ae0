using System.Text.Json;

namespace Spegel.Registry.Tests.Http;

/// <summary>
/// Requests a hostile or broken client might send. Each gets its documented 4xx with an OCI error body, none a
/// 5xx, and the endpoint keeps serving afterwards.
/// </summary>
public sealed class HostileInputTests(OciLayoutEndpointFixture fixture) : IClassFixture<OciLayoutEndpointFixture>
{
    private const string Zeros = "0000000000000000000000000000000000000000000000000000000000000000";

    public static TheoryData<string, string, string, int, string> Cases()
    {
        var longName = string.Join('/', Enumerable.Repeat("abcdefghijklmnopqrstuvwxyz", 12));
        var bigHeader = "X-Filler: " + new string('a', 64 * 1024) + "\r\n";
        return new TheoryData<string, string, string, int, string>
        {
            // Traversal, plain and encoded.
            { "GET", "/v2/../../etc/passwd", "", 404, "NOT_FOUND" },
            { "GET", "/v2/library/../../../etc/manifests/latest", "", 400, "NAME_INVALID" },
            { "GET", "/v2/%2e%2e/%2e%2e/etc/manifests/latest", "", 400, "NAME_INVALID" },
            { "GET", "/v2/%2E%2E%2F%2E%2E%2Fetc/blobs/sha256:" + Zeros, "", 400, "NAME_INVALID" },
            { "GET", "/v2/..%2f..%2fetc/passwd", "", 404, "NOT_FOUND" },
            { "GET", "/v2/x/blobs/..%2f..%2f..%2fetc%2fpasswd", "", 400, "DIGEST_INVALID" },
            { "GET", "/v2/x/blobs/sha256:..%2f..%2fetc%2fpasswd", "", 400, "DIGEST_INVALID" },
            { "GET", "/v2/x/blobs/sha256:../../../../../../etc/passwd", "", 404, "NOT_FOUND" },
            { "GET", "/v2/x/manifests/..%2f..%2findex.json", "", 400, "TAG_INVALID" },
            { "GET", "/v2/x/manifests/..", "", 400, "TAG_INVALID" },
            { "GET", "/v2/x/./y/manifests/latest", "", 400, "NAME_INVALID" },
            { "GET", "/v2/%252e%252e/manifests/latest", "", 400, "NAME_INVALID" },
            { "GET", "/v2/x%5c..%5c..%5cetc/manifests/latest", "", 400, "NAME_INVALID" },
            // Absolute paths and stray separators.
            { "GET", "/v2//etc/passwd/manifests/latest", "", 400, "NAME_INVALID" },
            { "GET", "/v2/x/blobs//etc/passwd", "", 404, "NOT_FOUND" },
            { "GET", "/v2/x/blobs/", "", 400, "DIGEST_INVALID" },
            { "GET", "/v2/x/manifests/", "", 400, "TAG_INVALID" },
            { "GET", "/etc/passwd", "", 404, "NOT_FOUND" },
            // Control characters, percent-encoded (NUL, raw or encoded, is refused by Kestrel before the handler).
            { "GET", "/v2/x%0d%0aSet-Cookie:a/manifests/latest", "", 400, "NAME_INVALID" },
            { "GET", "/v2/x/manifests/a%09b", "", 400, "TAG_INVALID" },
            // Names: too long, triple underscores, upper case, bad separators.
            { "GET", $"/v2/{longName}/manifests/latest", "", 400, "NAME_INVALID" },
            { "GET", "/v2/a___b/manifests/latest", "", 400, "NAME_INVALID" },
            { "GET", "/v2/Library/nginx/manifests/latest", "", 400, "NAME_INVALID" },
            { "GET", "/v2/-x/manifests/latest", "", 400, "NAME_INVALID" },
            { "GET", "/v2/x./manifests/latest", "", 400, "NAME_INVALID" },
            { "GET", "/v2/x/manifests/" + new string('t', 129), "", 400, "TAG_INVALID" },
            // Digests: unknown algorithms, wrong lengths, upper case, empty.
            { "GET", "/v2/x/blobs/md5:d41d8cd98f00b204e9800998ecf8427e", "", 400, "DIGEST_INVALID" },
            { "GET", "/v2/x/blobs/sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709", "", 400, "DIGEST_INVALID" },
            { "GET", "/v2/x/blobs/sha256:" + Zeros[..63], "", 400, "DIGEST_INVALID" },
            { "GET", "/v2/x/blobs/sha256:" + Zeros + "0", "", 400, "DIGEST_INVALID" },
            { "GET", "/v2/x/blobs/sha256:" + Zeros.ToUpperInvariant().Replace('0', 'A'), "", 400, "DIGEST_INVALID" },
            { "GET", "/v2/x/blobs/sha256:", "", 400, "DIGEST_INVALID" },
            { "GET", "/v2/x/manifests/sha256:zz", "", 400, "DIGEST_INVALID" },
            { "HEAD", "/v2/x/blobs/latest", "", 400, "DIGEST_INVALID" },
            // Ranges: huge, negative, inverted: absent content is still a 404, never a 5xx.
            { "GET", "/v2/x/blobs/sha256:" + Zeros, "Range: bytes=99999999999999999999999999-\r\n", 404, "BLOB_UNKNOWN" },
            { "GET", "/v2/x/blobs/sha256:" + Zeros, "Range: bytes=-99999999999999999999999999\r\n", 404, "BLOB_UNKNOWN" },
            { "GET", "/v2/x/blobs/sha256:" + Zeros, "Range: bytes=-5--3\r\n", 404, "BLOB_UNKNOWN" },
            // A 64 KiB header on an otherwise wrong request.
            { "GET", "/v2/x/blobs/nope", bigHeader, 400, "DIGEST_INVALID" },
            { "GET", "/v2/x/manifests/sha256:" + Zeros, bigHeader, 404, "MANIFEST_UNKNOWN" },
            // Unsupported methods, and validation before the method.
            { "PUT", "/v2/x/manifests/latest", "Content-Length: 0\r\n", 405, "UNSUPPORTED" },
            { "POST", "/v2/x/blobs/uploads/", "Content-Length: 0\r\n", 404, "NOT_FOUND" },
            { "PATCH", "/v2/x/blobs/sha256:" + Zeros, "Content-Length: 0\r\n", 405, "UNSUPPORTED" },
            { "DELETE", "/v2/x/manifests/sha256:" + Zeros, "", 405, "UNSUPPORTED" },
            { "OPTIONS", "/v2/", "", 405, "UNSUPPORTED" },
            { "TRACE", "/v2/x/manifests/latest", "", 405, "UNSUPPORTED" },
            { "DELETE", "/v2/X/manifests/latest", "", 400, "NAME_INVALID" },
            // Bad ns values.
            { "GET", "/v2/x/manifests/latest?ns=../../etc", "", 400, "NAME_INVALID" },
            { "GET", "/v2/x/manifests/latest?ns=a%2fb", "", 400, "NAME_INVALID" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileRequest_GetsDocumentedErrorAndServerKeepsServing(string method, string target, string headers, int status, string code)
    {
        var response = await RawHttp.SendAsync(fixture.Server.BaseAddress, method, target, headers);

        Assert.Equal(status, response.Status);
        Assert.Equal("application/json", response.Headers["Content-Type"]);
        if (method != "HEAD")
        {
            using var body = JsonDocument.Parse(response.Body);
            Assert.Equal(code, body.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        }

        var healthy = await RawHttp.SendAsync(fixture.Server.BaseAddress, "GET", "/v2/");
        Assert.Equal(200, healthy.Status);
    }

    [Theory]
    [InlineData("/v2/x\0/manifests/latest")]
    [InlineData("/v2/x\u0001/manifests/latest")]
    [InlineData("/v2/x y/manifests/latest")]
    [InlineData("/v2/x%00/manifests/latest")]
    [InlineData("/v2/x/manifests/latest%00")]
    public async Task ControlCharactersKestrelRefuses_AreBadRequestWithoutCrashing(string target)
    {
        var response = await RawHttp.SendAsync(fixture.Server.BaseAddress, "GET", target);

        Assert.Equal(400, response.Status);
        var healthy = await RawHttp.SendAsync(fixture.Server.BaseAddress, "GET", "/v2/");
        Assert.Equal(200, healthy.Status);
    }
}
