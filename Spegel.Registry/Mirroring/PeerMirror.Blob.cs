using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Spegel.Registry.Distribution;
using Spegel.Registry.Http;

namespace Spegel.Registry.Mirroring;

public sealed partial class PeerMirror
{
    /// <summary>
    /// Streams a blob from its holders into one response, falling back from holder to holder, resuming each time at
    /// the first byte not yet sent.
    /// </summary>
    /// <remarks>
    /// 1. Ask the next holder: with the client's <c>Range</c> while nothing is committed, afterwards with a
    ///    <c>Range</c> for exactly the bytes still owed.
    /// 2. Check its headers before anything is sent: the first answer fixes status, range and length; a resumed
    ///    answer must be a 206 that continues exactly where the last one stopped.
    /// 3. On the first usable answer, set the client's headers (they leave with the first byte).
    /// 4. Relay chunk by chunk (see <see cref="RelayAsync"/>): zero-byte read, read, hash, write; the final chunk of
    ///    a whole blob is written only after the digest matched.
    /// 5. A holder that fails is remembered and the next one is asked (1). When nothing reached the client yet, the
    ///    response starts over as if the holder had never answered.
    /// 6. A digest mismatch is reported to the index. If bytes were already sent they cannot be taken back, so the
    ///    connection is aborted; otherwise the next holder is asked.
    /// 7. No holder left: nothing sent means "not served" (the endpoint's 404); a started body is aborted, so that
    ///    a truncated blob can never look complete.
    /// </remarks>
    private async Task<MirrorOutcome> ServeBlobAsync(
        HttpContext context, RegistryRequest request, MirrorTarget target, IReadOnlyList<PeerHolder> holders,
        Deadline budget, CancellationToken cancellationToken)
    {
        const string Kind = "blob";
        var response = context.Response;
        var clientRange = ClientRange(context);
        var attempts = new HolderAttempts();
        using var body = new BlobBody(target.Digest);
        var buffer = ArrayPool<byte>.Shared.Rent(ContentCopier.BufferSize);
        try
        {
            foreach (var holder in holders)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                // 1.
                var range = body.IsCommitted ? body.ResumeRange : clientRange;
                if (body.IsCommitted)
                {
                    LogResuming(_logger, target.Digest, holder.Node, body.Start + body.Sent);
                }

                using var attempt = new Deadline(_timeProvider, _options.PeerTimeout, budget.Token);
                var reply = await SendAsync(
                    HttpMethod.Get, holder, request, target.Digest, range, context, attempt, cancellationToken);
                if (!reply.Answered)
                {
                    Fail(attempts, holder, Kind, target.Digest, reply.Failure);
                    continue;
                }

                using var peer = reply.Response;

                // 2. and 3.
                var wasCommitted = body.IsCommitted;
                var badHeaders = CheckDigestHeader(peer, target.Digest)
                    ?? (wasCommitted ? body.CheckContinuation(peer) : body.Commit(peer, clientRange is not null));
                if (badHeaders is { } failedHeaders)
                {
                    Fail(attempts, holder, Kind, target.Digest, failedHeaders);
                    StartOverIfNothingSent();
                    continue;
                }

                if (!wasCommitted)
                {
                    SetBlobHeaders(response, request, target.Digest, body);
                }

                // 4.
                attempt.Restart(_options.StallTimeout);
                var (outcome, failure) = await RelayAsync(
                    peer, holder, body, response.BodyWriter, buffer, attempt, cancellationToken);
                if (outcome == CopyOutcome.Completed)
                {
                    return Succeed(attempts, holder, Kind);
                }

                if (outcome is CopyOutcome.ClientFailed or CopyOutcome.Canceled)
                {
                    return ClientGone(context, attempts, holder, target.Digest, outcome);
                }

                // 5. and 6.
                Fail(attempts, holder, Kind, target.Digest, failure);
                if (failure.Kind == PeerFailureKind.DigestMismatch)
                {
                    await ReportCorruptAsync(target.Digest, body.Contributors.Append(holder).Distinct());
                    if (response.HasStarted)
                    {
                        return Abort(context, attempts, target.Digest, body, "the bytes sent did not match the digest");
                    }
                }

                StartOverIfNothingSent();
            }

            // 7.
            if (!response.HasStarted)
            {
                return NotServed(attempts, budget, cancellationToken);
            }

            return Abort(context, attempts, target.Digest, body, "no holder left to complete it");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        void StartOverIfNothingSent()
        {
            if (!response.HasStarted)
            {
                body.Reset();
                response.Clear();
            }
        }
    }

    /// <summary>
    /// Relays the owed bytes from one holder's body. Each read waits first with a zero-byte read (an idle relay holds
    /// no buffer) and restarts the stall timeout, which runs only while waiting for the holder, never while a write
    /// waits for the client. In a whole blob, the chunk that completes it is hashed and checked
    /// before it is written, so that a mismatch is caught while the client still lacks the last bytes.
    /// </summary>
    private async Task<(CopyOutcome Outcome, PeerFailure Failure)> RelayAsync(
        HttpResponseMessage peer, PeerHolder holder, BlobBody body, PipeWriter destination, byte[] buffer,
        Deadline attempt, CancellationToken cancellationToken)
    {
        if (body.Remaining == 0)
        {
            // An empty blob: nothing to hold back, but the digest must still be the empty content's.
            return body.DigestMatches() ? (CopyOutcome.Completed, default) : (CopyOutcome.SourceFailed, Mismatch());
        }

        Stream source;
        try
        {
            source = await peer.Content.ReadAsStreamAsync(attempt.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            return Failed(body.Sent);
        }

        await using (source)
        {
            var receivedHere = 0L;
            while (body.Remaining > 0)
            {
                attempt.Restart(_options.StallTimeout);
                int read;
                try
                {
                    // A zero-byte read only waits for data; its result carries nothing.
#pragma warning disable CA2022 // Avoid inexact read: the zero-byte read is deliberate (see above).
                    await source.ReadAsync(Memory<byte>.Empty, attempt.Token);
#pragma warning restore CA2022
                    read = await source.ReadAsync(
                        buffer.AsMemory(0, (int)Math.Min(buffer.Length, body.Remaining)), attempt.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
                {
                    return Failed(receivedHere);
                }

                if (read == 0)
                {
                    // The holder's file is shorter than it announced: never pad, never end as if complete.
                    return (CopyOutcome.SourceFailed,
                        new PeerFailure(
                            PeerFailureKind.ShortBody,
                            $"ended after {receivedHere} of {peer.Content.Headers.ContentLength} bytes"));
                }

                var chunk = buffer.AsMemory(0, read);
                body.Hash(chunk.Span);
                if (read == body.Remaining && !body.DigestMatches())
                {
                    return (CopyOutcome.SourceFailed, Mismatch());
                }

                // The stall timeout measures the holder, not the client: a client that reads slowly holds this
                // write (backpressure) for as long as it likes, and that must not count against the holder.
                attempt.Restart(Timeout.InfiniteTimeSpan);
                var written = await ContentCopier.WriteAsync(destination, chunk, cancellationToken);
                if (written != CopyOutcome.Completed)
                {
                    return (written, default);
                }

                body.Advance(holder, read);
                receivedHere += read;
                _metrics.Relayed(read);
                LogChunkRelayed(_logger, read, body.Sent, body.Length, holder.Node);
            }

            return (CopyOutcome.Completed, default);
        }

        (CopyOutcome, PeerFailure) Failed(long received) => cancellationToken.IsCancellationRequested
            ? (CopyOutcome.Canceled, default)
            : (CopyOutcome.SourceFailed,
                BodyFailure(attempt, received, peer.Content.Headers.ContentLength, cancellationToken));

        static PeerFailure Mismatch() => new(PeerFailureKind.DigestMismatch, "sent bytes that do not match the digest");
    }

    private static void SetBlobHeaders(HttpResponse response, RegistryRequest request, Digest digest, BlobBody body)
    {
        SetContentHeaders(response, request, digest, MediaTypes.OctetStream, body.Length);
        response.StatusCode = body.IsPartial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        if (body.IsPartial)
        {
            response.Headers.ContentRange = body.ContentRange;
        }
    }

    private MirrorOutcome Abort(HttpContext context, HolderAttempts attempts, Digest digest, BlobBody body, string why)
    {
        LogBodyAborted(_logger, digest, body.Sent, body.Length, why);
        context.Abort();
        return new MirrorOutcome(
            true, attempts.Count, attempts.Describe($"body aborted after {body.Sent} of {body.Length} bytes: {why}"));
    }
}
