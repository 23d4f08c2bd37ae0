using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spegel.Registry.Distribution;
using Spegel.Registry.Http;

namespace Spegel.Registry.Tests.Http;

public sealed class OciErrorWriterTests
{
    [Theory]
    [InlineData(OciErrorCode.BlobUnknown, 404, "BLOB_UNKNOWN")]
    [InlineData(OciErrorCode.ManifestUnknown, 404, "MANIFEST_UNKNOWN")]
    [InlineData(OciErrorCode.NameInvalid, 400, "NAME_INVALID")]
    [InlineData(OciErrorCode.DigestInvalid, 400, "DIGEST_INVALID")]
    [InlineData(OciErrorCode.Unsupported, 405, "UNSUPPORTED")]
    [InlineData(OciErrorCode.RangeInvalid, 416, "RANGE_INVALID")]
    [InlineData(OciErrorCode.Unknown, 500, "UNKNOWN")]
    public async Task WriteAsync_Get_WritesStatusHeadersAndBody(OciErrorCode code, int status, string wireCode)
    {
        var context = NewContext("GET");

        await OciErrorWriter.WriteAsync(context, code, "some detail");

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        var body = ((MemoryStream)context.Response.Body).ToArray();
        Assert.Equal(body.Length, context.Response.ContentLength);
        using var document = JsonDocument.Parse(body);
        var error = Assert.Single(document.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(wireCode, error.GetProperty("code").GetString());
        Assert.Equal("some detail", error.GetProperty("detail").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task WriteAsync_Head_SendsHeadersWithoutBody()
    {
        var context = NewContext("HEAD");

        await OciErrorWriter.WriteAsync(context, OciErrorCode.BlobUnknown, null);

        Assert.Equal(404, context.Response.StatusCode);
        Assert.True(context.Response.ContentLength > 0);
        Assert.Equal(0, context.Response.Body.Length);
    }

    [Fact]
    public async Task WriteAsync_Unsupported_SetsAllowHeader()
    {
        var context = NewContext("PUT");

        await OciErrorWriter.WriteAsync(context, OciErrorCode.Unsupported, null);

        Assert.Equal("GET, HEAD", context.Response.Headers.Allow.ToString());
    }

    private static DefaultHttpContext NewContext(string method)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Response.Body = new MemoryStream();
        return context;
    }
}
