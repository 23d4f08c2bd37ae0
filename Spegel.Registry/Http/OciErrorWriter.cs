using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spegel.Registry.Distribution;

namespace Spegel.Registry.Http;

/// <summary>
/// Writes the OCI distribution error body <c>{"errors":[{"code","message","detail"}]}</c> with the status from
/// <see cref="OciErrors"/>, <c>Content-Type: application/json</c> and an exact <c>Content-Length</c>. A HEAD
/// response gets the same status and headers and no body.
/// </summary>
public static class OciErrorWriter
{
    /// <summary>Writes the error; the response must not have started.</summary>
    public static Task WriteAsync(HttpContext context, OciErrorCode code, string? detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        var entry = OciErrors.Get(code);
        var body = Serialize(entry, detail);
        var response = context.Response;
        response.StatusCode = entry.Status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        if (code == OciErrorCode.Unsupported)
        {
            response.Headers.Allow = "GET, HEAD";
        }

        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>The body for <paramref name="code"/>, for callers that need the bytes (e.g. tests).</summary>
    public static byte[] Serialize(OciErrorCode code, string? detail) => Serialize(OciErrors.Get(code), detail);

    private static byte[] Serialize(OciErrors.Entry entry, string? detail)
    {
        using var buffer = new MemoryStream(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("errors");
            writer.WriteStartObject();
            writer.WriteString("code", entry.Code);
            writer.WriteString("message", entry.Message);
            if (detail is null)
            {
                writer.WriteNull("detail");
            }
            else
            {
                writer.WriteString("detail", detail);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
