using System.Globalization;
using System.Security.Cryptography;
using Spegel.Registry.Distribution;

namespace Spegel.Registry.Mirroring;

/// <summary>
/// The state of one blob response that may be assembled from several holders: which bytes the client is owed
/// (fixed by the first holder that answers), how many were sent, and the running hash of a whole body.
/// </summary>
internal sealed class BlobBody(Digest digest) : IDisposable
{
    private IncrementalHash? _hash;

    /// <summary>Whether the first holder's answer fixed the status, range and length of the response.</summary>
    public bool IsCommitted { get; private set; }

    /// <summary>Whether the client gets 206 (its own range) rather than 200.</summary>
    public bool IsPartial { get; private set; }

    /// <summary>Offset of the first byte owed to the client within the blob.</summary>
    public long Start { get; private set; }

    /// <summary>How many bytes the client is owed in total.</summary>
    public long Length { get; private set; }

    /// <summary>The blob's whole size.</summary>
    public long Total { get; private set; }

    /// <summary>How many bytes were sent.</summary>
    public long Sent { get; private set; }

    /// <summary>How many bytes are still owed.</summary>
    public long Remaining => Length - Sent;

    /// <summary>Whether the whole blob passes, so that its digest can be checked.</summary>
    public bool IsVerified => _hash is not null;

    /// <summary>The holders that sent any of the bytes (for a digest mismatch, any of them may be at fault).</summary>
    public List<PeerHolder> Contributors { get; } = [];

    /// <summary>
    /// The <c>Range</c> that asks a holder for exactly the bytes still owed: open-ended (<c>bytes=N-</c>, as containerd
    /// itself resumes) when they run to the end of the blob.
    /// </summary>
    public string ResumeRange => Start + Length == Total
        ? string.Create(CultureInfo.InvariantCulture, $"bytes={Start + Sent}-")
        : string.Create(CultureInfo.InvariantCulture, $"bytes={Start + Sent}-{Start + Length - 1}");

    /// <summary>The client's <c>Content-Range</c> for a partial response.</summary>
    public string ContentRange =>
        string.Create(CultureInfo.InvariantCulture, $"bytes {Start}-{Start + Length - 1}/{Total}");

    /// <summary>
    /// Takes the first usable answer's status and headers as the shape of the response. A 206 is accepted only when
    /// a range was asked for, with a Content-Range that agrees with its Content-Length.
    /// </summary>
    public PeerFailure? Commit(HttpResponseMessage peer, bool rangeAsked)
    {
        var status = (int)peer.StatusCode;
        var headers = peer.Content.Headers;
        if (headers.ContentLength is not { } length)
        {
            return status is 200 or 206 ? PeerFailure.Invalid("sent no Content-Length") : PeerFailure.Status(status);
        }

        if (status == 200)
        {
            (Start, Length, Total, IsPartial) = (0, length, length, false);
        }
        else if (status == 206 && rangeAsked
            && headers.ContentRange is
                { HasRange: true, HasLength: true, From: { } from, To: { } to, Length: { } total }
            && to - from + 1 == length && to < total)
        {
            (Start, Length, Total, IsPartial) = (from, length, total, true);
        }
        else
        {
            // Known gap: a holder's 416 for the client's own range counts as a failed holder, so the client gets a
            // 404 instead of a 416; containerd then asks the next host, which costs one round trip.
            return status == 206
                ? PeerFailure.Invalid("sent 206 with an unusable Content-Range")
                : PeerFailure.Status(status);
        }

        IsCommitted = true;
        if (Start == 0 && Length == Total)
        {
            _hash = ContentHash.Create(digest);
        }

        return null;
    }

    /// <summary>
    /// Whether a resumed answer is exactly the rest of what is owed: 206, bytes from the first unsent one.
    /// </summary>
    public PeerFailure? CheckContinuation(HttpResponseMessage peer)
    {
        var status = (int)peer.StatusCode;
        if (status != 206)
        {
            return status == 200 ? PeerFailure.Invalid("ignored the Range") : PeerFailure.Status(status);
        }

        var headers = peer.Content.Headers;
        var expected = $"bytes {Start + Sent}-{Start + Length - 1}/{Total}";
        return headers.ContentRange is { } range && range.ToString() == expected && headers.ContentLength == Remaining
            ? null
            : new PeerFailure(PeerFailureKind.SizeMismatch,
                $"answered {headers.ContentRange?.ToString() ?? "no range"} where {expected} was asked");
    }

    /// <summary>Hashes a chunk that is about to be sent.</summary>
    public void Hash(ReadOnlySpan<byte> chunk) => _hash?.AppendData(chunk);

    /// <summary>Whether the bytes hashed so far match the digest (true when the body is not verified).</summary>
    public bool DigestMatches() => _hash is null || ContentHash.Matches(digest, _hash);

    /// <summary>Counts bytes that reached the client.</summary>
    public void Advance(PeerHolder holder, int count)
    {
        Sent += count;
        if (Contributors.Count == 0 || Contributors[^1] != holder)
        {
            Contributors.Add(holder);
        }
    }

    /// <summary>Forgets everything, for a fresh start with the next holder when nothing reached the client.</summary>
    public void Reset()
    {
        _hash?.Dispose();
        _hash = null;
        (IsCommitted, IsPartial, Start, Length, Total, Sent) = (false, false, 0, 0, 0, 0);
        Contributors.Clear();
    }

    /// <inheritdoc/>
    public void Dispose() => _hash?.Dispose();
}
