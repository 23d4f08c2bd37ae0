using Microsoft.AspNetCore.Http;
using Spegel.Registry.Http;

namespace Spegel.Registry.Tests.Mirroring;

/// <summary>What a peer saw of one request.</summary>
internal sealed record SeenRequest(string Method, string PathAndQuery, string? Range, string? PeerHeader, string? Accept)
{
    public static SeenRequest From(HttpRequest request) => new(
        request.Method,
        request.Path + request.QueryString,
        NullIfEmpty(request.Headers.Range.ToString()),
        NullIfEmpty(request.Headers[PeerHeaders.PeerRequest].ToString()),
        NullIfEmpty(request.Headers.Accept.ToString()));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
