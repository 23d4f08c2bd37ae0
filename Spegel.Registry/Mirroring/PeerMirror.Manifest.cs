using System.Buffers;
using Microsoft.AspNetCore.Http;
using Spegel.Registry.Distribution;
using Spegel.Registry.Http;

namespace Spegel.Registry.Mirroring;

public sealed partial class PeerMirror
{
    /// <summary>
    /// Answers a HEAD (manifest or blob) with the first holder whose HEAD answer is consistent; bounded as a whole
    /// by the budget. A blob's <c>Range</c> is forwarded, so a 206 with its <c>Content-Range</c> is relayed.
    /// </summary>
    private async Task<MirrorOutcome> ServeHeadAsync(
        HttpContext context, RegistryRequest request, MirrorTarget target, IReadOnlyList<PeerHolder> holders,
        Deadline budget, CancellationToken cancellationToken)
    {
        const string Kind = "head";
        var range = request.Route == RegistryRoute.Blob ? ClientRange(context) : null;
        var attempts = new HolderAttempts();
        foreach (var holder in holders)
        {
            if (budget.Token.IsCancellationRequested)
            {
                break;
            }

            using var attempt = new Deadline(_timeProvider, _options.PeerTimeout, budget.Token);
            var reply = await SendAsync(
                HttpMethod.Head, holder, request, target.Digest, range, context, attempt, cancellationToken);
            if (!reply.Answered)
            {
                Fail(attempts, holder, Kind, target.Digest, reply.Failure);
                continue;
            }

            using var peer = reply.Response;
            var failure = request.Route == RegistryRoute.Manifest
                ? CheckManifestHeaders(peer, target)
                : CheckBlobHeadHeaders(peer, target.Digest, range is not null);
            var mediaType = request.Route == RegistryRoute.Manifest
                ? ManifestMediaType(target, peer, [])
                : MediaTypes.OctetStream;
            if (failure is null && mediaType is null)
            {
                failure = PeerFailure.Invalid("declared no manifest media type");
            }

            if (failure is { } failed)
            {
                Fail(attempts, holder, Kind, target.Digest, failed);
                continue;
            }

            var response = context.Response;
            SetContentHeaders(response, request, target.Digest, mediaType!, peer.Content.Headers.ContentLength!.Value);
            response.StatusCode = (int)peer.StatusCode;
            if (peer.Content.Headers.ContentRange is { } contentRange)
            {
                response.Headers.ContentRange = contentRange.ToString();
            }

            return Succeed(attempts, holder, Kind);
        }

        return NotServed(attempts, budget, cancellationToken);
    }

    /// <summary>
    /// Fetches a manifest whole from the first holder that sends bytes matching the digest, then sends it. Nothing
    /// reaches the client before the digest is verified; the whole request is bounded by the budget.
    /// </summary>
    private async Task<MirrorOutcome> ServeManifestAsync(
        HttpContext context, RegistryRequest request, MirrorTarget target, IReadOnlyList<PeerHolder> holders,
        Deadline budget, CancellationToken cancellationToken)
    {
        const string Kind = "manifest";
        var attempts = new HolderAttempts();
        foreach (var holder in holders)
        {
            if (budget.Token.IsCancellationRequested)
            {
                break;
            }

            using var attempt = new Deadline(_timeProvider, _options.PeerTimeout, budget.Token);
            var reply = await SendAsync(
                HttpMethod.Get, holder, request, target.Digest, null, context, attempt, cancellationToken);
            if (!reply.Answered)
            {
                Fail(attempts, holder, Kind, target.Digest, reply.Failure);
                continue;
            }

            using var peer = reply.Response;
            if (CheckManifestHeaders(peer, target) is { } badHeaders)
            {
                Fail(attempts, holder, Kind, target.Digest, badHeaders);
                continue;
            }

            attempt.Restart(_options.StallTimeout);
            var (buffer, length, readFailure) = await ReadManifestAsync(peer, attempt, cancellationToken);
            try
            {
                if (readFailure is { } failedRead)
                {
                    Fail(attempts, holder, Kind, target.Digest, failedRead);
                    continue;
                }

                var content = buffer.AsMemory(0, length);
                if (!ContentHash.Matches(target.Digest, content.Span))
                {
                    Fail(attempts, holder, Kind, target.Digest,
                        new PeerFailure(PeerFailureKind.DigestMismatch, "sent bytes that do not match the digest"));
                    await ReportCorruptAsync(target.Digest, [holder]);
                    continue;
                }

                if (ManifestMediaType(target, peer, content.Span) is not { } mediaType)
                {
                    Fail(attempts, holder, Kind, target.Digest,
                        PeerFailure.Invalid("sent something other than a manifest"));
                    continue;
                }

                SetContentHeaders(context.Response, request, target.Digest, mediaType, length);
                context.Response.StatusCode = StatusCodes.Status200OK;
                var written = await ContentCopier.WriteAsync(context.Response.BodyWriter, content, cancellationToken);
                if (written != CopyOutcome.Completed)
                {
                    return ClientGone(context, attempts, holder, target.Digest, written);
                }

                _metrics.Relayed(length);
                return Succeed(attempts, holder, Kind);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return NotServed(attempts, budget, cancellationToken);
    }

    /// <summary>
    /// Reads a manifest body whole into a pooled buffer (returned to the pool by the caller), at most
    /// <see cref="MediaTypes.MaxManifestSize"/> bytes, restarting the stall timeout on every chunk.
    /// </summary>
    private async Task<(byte[] Buffer, int Length, PeerFailure? Failure)> ReadManifestAsync(
        HttpResponseMessage peer, Deadline attempt, CancellationToken cancellationToken)
    {
        var announced = peer.Content.Headers.ContentLength;

        // An announced length is exact (HttpClient ends the body there); without one, start small and grow.
        var buffer = ArrayPool<byte>.Shared.Rent(announced is { } size ? (int)Math.Max(size, 1) : 16 * 1024);
        var length = 0;
        try
        {
            await using var body = await peer.Content.ReadAsStreamAsync(attempt.Token);
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > MediaTypes.MaxManifestSize)
                    {
                        return (buffer, length,
                            PeerFailure.Invalid($"sent more than {MediaTypes.MaxManifestSize} bytes"));
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(
                        Math.Min(buffer.Length * 2, MediaTypes.MaxManifestSize + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), attempt.Token);
                if (read == 0)
                {
                    break;
                }

                length += read;
                attempt.Restart(_options.StallTimeout);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            return (buffer, length, BodyFailure(attempt, length, announced, cancellationToken));
        }

        return announced is { } expected && length != expected
            ? (buffer, length, new PeerFailure(PeerFailureKind.ShortBody, $"ended after {length} of {expected} bytes"))
            : (buffer, length, null);
    }

    /// <summary>
    /// A manifest answer's headers: 200, a length within bounds and equal to a known size, the right digest.
    /// </summary>
    private static PeerFailure? CheckManifestHeaders(HttpResponseMessage peer, MirrorTarget target)
    {
        if ((int)peer.StatusCode != StatusCodes.Status200OK)
        {
            return PeerFailure.Status((int)peer.StatusCode);
        }

        var length = peer.Content.Headers.ContentLength;
        if (length is null && peer.RequestMessage?.Method == HttpMethod.Head)
        {
            return PeerFailure.Invalid("sent no Content-Length");
        }

        if (length > MediaTypes.MaxManifestSize)
        {
            return PeerFailure.Invalid($"announced {length} bytes, more than a manifest may have");
        }

        if (target.Size is { } size && length is { } announced && announced != size)
        {
            return new PeerFailure(
                PeerFailureKind.SizeMismatch, $"announced {announced} bytes where the cluster recorded {size}");
        }

        return CheckDigestHeader(peer, target.Digest);
    }

    /// <summary>
    /// A blob HEAD answer's headers: 200, or 206 with a Content-Range when a range was asked; a length.
    /// </summary>
    private static PeerFailure? CheckBlobHeadHeaders(HttpResponseMessage peer, Digest digest, bool rangeAsked)
    {
        var status = (int)peer.StatusCode;
        var partial = status == StatusCodes.Status206PartialContent && rangeAsked;
        if (status != StatusCodes.Status200OK && !partial)
        {
            return PeerFailure.Status(status);
        }

        if (peer.Content.Headers.ContentLength is null)
        {
            return PeerFailure.Invalid("sent no Content-Length");
        }

        if (partial && peer.Content.Headers.ContentRange is not { HasRange: true, HasLength: true })
        {
            return PeerFailure.Invalid("sent 206 without a usable Content-Range");
        }

        return CheckDigestHeader(peer, digest);
    }

    /// <summary>A holder that names a digest must name the one it was asked for.</summary>
    private static PeerFailure? CheckDigestHeader(HttpResponseMessage peer, Digest digest) =>
        peer.Headers.TryGetValues(DigestHeader, out var values) && values.Any(value => value != digest.Value)
            ? PeerFailure.Invalid("named another digest")
            : null;

    /// <summary>The tag's recorded media type, else the holder's Content-Type, else the manifest's own.</summary>
    private static string? ManifestMediaType(MirrorTarget target, HttpResponseMessage peer, ReadOnlySpan<byte> content)
    {
        if (MediaTypes.IsManifest(target.MediaType))
        {
            return target.MediaType;
        }

        var declared = peer.Content.Headers.ContentType?.MediaType;
        if (MediaTypes.IsManifest(declared))
        {
            return declared;
        }

        return MediaTypes.TryDetectManifestMediaType(content, out var detected) ? detected : null;
    }

    /// <summary>Classifies an exception while reading a holder's body.</summary>
    private static PeerFailure BodyFailure(
        Deadline attempt,
        long received,
        long? expected,
        CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested
            ? new PeerFailure(PeerFailureKind.Canceled, "not finished: the client went away")
            : attempt.Expired
                ? new PeerFailure(PeerFailureKind.Stalled, $"stalled after {received} bytes")
                : attempt.Token.IsCancellationRequested
                    ? new PeerFailure(PeerFailureKind.Canceled, "cut off by the request's budget")
                    : new PeerFailure(PeerFailureKind.ShortBody,
                        $"failed after {received} of "
                            + $"{expected?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} bytes");

    private static string? ClientRange(HttpContext context)
    {
        var range = context.Request.Headers.Range;
        return range.Count == 0 || string.IsNullOrEmpty(range[0]) ? null : range.ToString();
    }

    private MirrorOutcome NotServed(HolderAttempts attempts, Deadline budget, CancellationToken cancellationToken)
    {
        var ending = cancellationToken.IsCancellationRequested
            ? "the client went away"
            : budget.Expired ? $"the budget of {_options.ManifestBudget.TotalSeconds:0.###} s ran out" : null;
        return new MirrorOutcome(false, attempts.Count, attempts.Describe(ending));
    }

    private MirrorOutcome ClientGone(
        HttpContext context,
        HolderAttempts attempts,
        PeerHolder holder,
        Digest digest,
        CopyOutcome outcome)
    {
        LogClientGone(_logger, digest, outcome);
        context.Abort();
        attempts.Add(holder, "was serving when the client went away");
        return new MirrorOutcome(true, attempts.Count, attempts.Describe());
    }
}
