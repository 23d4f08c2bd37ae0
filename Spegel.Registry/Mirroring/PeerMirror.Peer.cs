using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Spegel.Registry.Distribution;
using Spegel.Registry.Http;

namespace Spegel.Registry.Mirroring;

public sealed partial class PeerMirror
{
    /// <summary>
    /// Asks one holder for <paramref name="digest"/> and waits for its response headers until
    /// <paramref name="attempt"/> expires. Failures are values; a cancelled client or an exhausted budget is a failure
    /// of kind <see cref="PeerFailureKind.Canceled"/>, which callers take as the signal to stop.
    /// </summary>
    private async Task<PeerReply> SendAsync(
        HttpMethod method, PeerHolder holder, RegistryRequest request, Digest digest, string? range,
        HttpContext context, Deadline attempt, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(method, PeerUri(holder, request, digest));
        message.Headers.TryAddWithoutValidation(PeerHeaders.PeerRequest, "1");
        foreach (var accept in context.Request.Headers.Accept)
        {
            message.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (range is not null)
        {
            message.Headers.TryAddWithoutValidation("Range", range);
        }

        var client = _httpClientFactory.CreateClient(HttpClientName);
        try
        {
            var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            return new PeerReply(response, default);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new PeerReply(null, new PeerFailure(PeerFailureKind.Canceled, "not finished: the client went away"));
        }
        catch (OperationCanceledException) when (attempt.Expired)
        {
            return new PeerReply(null, new PeerFailure(PeerFailureKind.Timeout, "timed out"));
        }
        catch (OperationCanceledException) when (attempt.Token.IsCancellationRequested)
        {
            return new PeerReply(null, new PeerFailure(PeerFailureKind.Canceled, "cut off by the request's budget"));
        }
        catch (OperationCanceledException)
        {
            // SocketsHttpHandler reports its ConnectTimeout (set to the peer timeout) as a cancellation.
            return new PeerReply(null, new PeerFailure(PeerFailureKind.Timeout, "timed out connecting"));
        }
        catch (HttpRequestException ex) when (IsRefused(ex))
        {
            return new PeerReply(null, new PeerFailure(PeerFailureKind.Refused, "refused"));
        }
        catch (HttpRequestException ex)
        {
            return new PeerReply(null, new PeerFailure(PeerFailureKind.Error, $"failed ({ex.HttpRequestError})"));
        }

        static bool IsRefused(HttpRequestException ex) =>
            ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
    }

    /// <summary>
    /// <c>/v2/&lt;name&gt;/(manifests|blobs)/&lt;digest&gt;?ns=&lt;registry&gt;</c> on the holder: always by digest,
    /// since a tag was already resolved through the cluster and the holder's own tag may point elsewhere.
    /// </summary>
    private static Uri PeerUri(PeerHolder holder, RegistryRequest request, Digest digest)
    {
        // The name and registry passed the distribution grammar, so they need no escaping beyond the ':' of a port.
        var segment = request.Route == RegistryRoute.Manifest ? "manifests" : "blobs";
        return new Uri(holder.Endpoint,
            $"/v2/{request.Repository}/{segment}/{digest.Value}?ns={Uri.EscapeDataString(request.Registry)}");
    }
}
