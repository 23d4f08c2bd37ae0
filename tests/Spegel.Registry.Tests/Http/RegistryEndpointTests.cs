using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Spegel.TestSupport.Images;

namespace Spegel.Registry.Tests.Http;

public sealed class RegistryEndpointTests(OciLayoutEndpointFixture fixture) : IClassFixture<OciLayoutEndpointFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiVersion_Get_AnswersEmptyObjectWithVersionHeader()
    {
        using var response = await fixture.Client.GetAsync("/v2/", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-API-Version").Single());
        Assert.Equal("{}", await response.Content.ReadAsStringAsync(Token));
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("/v2/library/app/manifests/v1?ns=docker.io")]
    [InlineData("/v2/library/app/manifests/v1")]
    public async Task Manifest_ByTag_ServesTargetWithItsMediaType(string path)
    {
        var image = fixture.App;

        using var response = await fixture.Client.GetAsync(path, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContentHeaders(response, image.Target, image.Target.MediaType);
        Assert.Equal(image.Target.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        Assert.False(response.Headers.CacheControl?.Public ?? false, "a tag may move, so its answer must not be cached as immutable");
    }

    [Fact]
    public async Task Manifest_ByTagInOtherRegistry_IsManifestUnknown()
    {
        using var response = await fixture.Client.GetAsync("/v2/library/app/manifests/v1?ns=quay.io", Token);

        await AssertOciErrorAsync(response, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task Manifest_ByTagWithNs_ResolvesNonDefaultRegistry()
    {
        using var response = await fixture.Client.GetAsync("/v2/team/multi/manifests/v2?ns=ghcr.io", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContentHeaders(response, fixture.Multi.Target, TestMediaTypes.OciIndex);
    }

    [Fact]
    public async Task Manifest_Head_SendsHeadersWithoutBody()
    {
        var image = fixture.Docker;
        using var request = new HttpRequestMessage(HttpMethod.Head, "/v2/library/dock/manifests/v1?ns=docker.io");

        using var response = await fixture.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContentHeaders(response, image.Target, TestMediaTypes.DockerManifest);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task Manifest_ByDigest_EveryManifestOfIndexHasDescriptorMediaType()
    {
        var manifests = fixture.Multi.Blobs.Where(blob => blob.MediaType is TestMediaTypes.OciIndex or TestMediaTypes.OciManifest).ToList();

        foreach (var blob in manifests)
        {
            using var response = await fixture.Client.GetAsync($"/v2/any/name/manifests/{blob.Digest}?ns=docker.io", Token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertContentHeaders(response, blob, blob.MediaType);
            Assert.Equal(blob.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
            Assert.Equal("public, max-age=31536000, immutable", string.Join(", ", response.Headers.GetValues("Cache-Control")));
        }

        Assert.Equal(3, manifests.Count);
    }

    [Fact]
    public async Task Manifest_ByDigestOfLayer_IsManifestUnknown()
    {
        var layer = fixture.App.Blobs[^1];

        using var response = await fixture.Client.GetAsync($"/v2/library/app/manifests/{layer.Digest}", Token);

        await AssertOciErrorAsync(response, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task Blob_Get_ServesBytesWithBlobHeaders()
    {
        foreach (var blob in fixture.App.Blobs)
        {
            using var response = await fixture.Client.GetAsync($"/v2/whatever/repo/blobs/{blob.Digest}", Token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertContentHeaders(response, blob, "application/octet-stream");
            Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
            Assert.Equal(blob.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        }
    }

    [Fact]
    public async Task Blob_Head_SendsHeadersWithoutBody()
    {
        var blob = fixture.App.Blobs[^1];
        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/library/app/blobs/{blob.Digest}");

        using var response = await fixture.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContentHeaders(response, blob, "application/octet-stream");
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Theory]
    [InlineData("bytes=0-99", 0, 100)]
    [InlineData("bytes=1000-", 1000, -1)]
    [InlineData("bytes=-4096", -4096, 4096)]
    [InlineData("bytes=5-5", 5, 1)]
    [InlineData("bytes=100-99999999999", 100, -1)]
    public async Task Blob_Range_Answers206WithContentRange(string range, long start, long length)
    {
        var blob = LargestBlob();
        var size = blob.Size;
        var first = start < 0 ? size + start : start;
        var count = length < 0 ? size - first : length;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/library/app/blobs/{blob.Digest}");
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await fixture.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {first}-{first + count - 1}/{size}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(count, response.Content.Headers.ContentLength);
        Assert.Equal(blob.Bytes.AsSpan((int)first, (int)count).ToArray(), await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Theory]
    [InlineData("bytes=0-1,5-9")]
    [InlineData("bytes=abc")]
    [InlineData("bytes=9-5")]
    [InlineData("lines=0-5")]
    public async Task Blob_InvalidOrMultiRange_IsIgnored(string range)
    {
        var blob = LargestBlob();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/library/app/blobs/{blob.Digest}");
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await fixture.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(blob.Size, response.Content.Headers.ContentLength);
        Assert.Null(response.Content.Headers.ContentRange);
    }

    [Theory]
    [InlineData("bytes=99999999-")]
    [InlineData("bytes=-0")]
    public async Task Blob_UnsatisfiableRange_Is416WithSize(string range)
    {
        var blob = LargestBlob();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/library/app/blobs/{blob.Digest}");
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await fixture.Client.SendAsync(request, Token);

        await AssertOciErrorAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable, "RANGE_INVALID");
        Assert.Equal($"bytes */{blob.Size}", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task Blob_HeadWithRange_Answers206HeadersOnly()
    {
        var blob = LargestBlob();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/library/app/blobs/{blob.Digest}");
        request.Headers.TryAddWithoutValidation("Range", "bytes=10-19");

        using var response = await fixture.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(10, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task Blob_Unknown_IsBlobUnknown()
    {
        using var response = await fixture.Client.GetAsync($"/v2/library/app/blobs/sha256:{new string('0', 64)}", Token);

        await AssertOciErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Blob_UnknownHead_Is404WithLengthAndNoBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/library/app/blobs/sha256:{new string('0', 64)}");

        using var response = await fixture.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task Blob_IfNoneMatchDigest_Is304()
    {
        var blob = fixture.App.Blobs[^1];
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/library/app/blobs/{blob.Digest}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{blob.Digest}\""));

        using var response = await fixture.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task WriteMethods_OnValidPath_Are405WithAllow(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/v2/library/app/manifests/v1");

        using var response = await fixture.Client.SendAsync(request, Token);

        await AssertOciErrorAsync(response, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order());
    }

    [Fact]
    public async Task PathOutsideApi_Is404WithOciBody()
    {
        using var response = await fixture.Client.GetAsync("/index.html", Token);

        await AssertOciErrorAsync(response, HttpStatusCode.NotFound, "NOT_FOUND");
    }

    private TestBlob LargestBlob() => fixture.App.Blobs.MaxBy(blob => blob.Size)!;

    private static void AssertContentHeaders(HttpResponseMessage response, TestBlob blob, string expectedContentType)
    {
        Assert.Equal(expectedContentType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(blob.Size, response.Content.Headers.ContentLength);
        Assert.Equal(blob.Digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal($"\"{blob.Digest}\"", response.Headers.ETag!.Tag);
    }

    internal static async Task AssertOciErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync(Token);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        using var document = JsonDocument.Parse(body);
        Assert.Equal(code, document.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }
}
