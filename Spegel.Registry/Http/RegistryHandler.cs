using System.Buffers;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;
using Spegel.Registry.Mirroring;

namespace Spegel.Registry.Http;

/// <summary>
/// The read-only OCI distribution endpoint: <c>GET</c>/<c>HEAD</c> of <c>/v2/</c>, manifests and blobs. Local
/// content first; on a miss, the peer mirror (when there is one and the request is not itself from a peer); else a
/// fast 404 so that containerd falls back to the next host at once.
/// </summary>
public sealed partial class RegistryHandler(
    IContentStore store,
    IOptions<RegistryOptions> options,
    ILogger<RegistryHandler> logger,
    IPeerMirror? mirror = null,
    IMeterFactory? meterFactory = null,
    RequestJournal? journal = null,
    TimeProvider? timeProvider = null)
{
    private const string ApiVersionHeader = "Docker-Distribution-API-Version";
    private const string DigestHeader = "Docker-Content-Digest";

    // Content is addressed by digest, so a response for a digest never changes.
    private const string ImmutableCacheControl = "public, max-age=31536000, immutable";

    private static readonly byte[] EmptyJsonObject = "{}"u8.ToArray();

    private readonly string _defaultRegistry = options.Value.DefaultRegistry;
    private readonly RegistryMetrics? _metrics = meterFactory is null ? null : RegistryMetrics.For(meterFactory);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Where a request was answered from, and what the journal says about it.</summary>
    private readonly record struct Decision(string Source, string Detail)
    {
        public static Decision Local { get; } = new("local", "");
    }

    /// <summary>Answers one request; never throws for anything a client sends.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = _time.GetTimestamp();
        var parsed = Parse(context);
        context.Response.Headers[ApiVersionHeader] = "registry/2.0";
        if (!parsed.IsValid)
        {
            LogRequestRejected(logger, context.Request.Method, parsed.Error, parsed.Detail);
            await OciErrorWriter.WriteAsync(context, parsed.Error, parsed.Detail);
            _metrics?.Request("other", context.Request.Method, context.Response.StatusCode, "invalid");
            return;
        }

        var request = parsed.Request;
        var decision = Decision.Local;
        try
        {
            decision = await (request.Route switch
            {
                RegistryRoute.Manifest => ServeManifestAsync(context, request),
                RegistryRoute.Blob => ServeBlobAsync(context, request),
                _ => ServeApiVersionAsync(context, request),
            });
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            LogRequestAborted(logger, request.Route, request.Repository, request.Reference);
            decision = new Decision(decision.Source, "the client went away");
        }
        catch (Exception ex)
        {
            LogRequestFailed(logger, request.Route, request.Repository, request.Reference, ex);
            decision = new Decision("error", ex.GetType().Name);
            if (context.Response.HasStarted)
            {
                context.Abort();
            }
            else
            {
                context.Response.Clear();
                await OciErrorWriter.WriteAsync(context, OciErrorCode.Unknown, "internal error; see the node's log");
            }
        }

        Record(context, request, decision, started);
    }

    private void Record(HttpContext context, RegistryRequest request, Decision decision, long started)
    {
        var route = request.Route switch
        {
            RegistryRoute.Manifest => "manifest",
            RegistryRoute.Blob => "blob",
            _ => "api",
        };
        _metrics?.Request(route, context.Request.Method, context.Response.StatusCode, decision.Source);
        if (request.Route != RegistryRoute.ApiVersion)
        {
            journal?.Add(new RequestJournal.Entry(_time.GetUtcNow(), context.Request.Method,
                $"{request.Registry}/{request.Repository}{(request.Tag is null ? "@" : ":")}{request.Reference}",
                decision.Source, context.Response.StatusCode, decision.Detail, _time.GetElapsedTime(started)));
        }
    }

    private RegistryRequestParser.Result Parse(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var path = string.IsNullOrEmpty(rawTarget) ? context.Request.Path.Value ?? "/" : rawTarget;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var rawPath = query < 0 ? path.AsSpan() : path.AsSpan(0, query);
        var ns = context.Request.Query.TryGetValue("ns", out var values) && values.Count > 0 ? values[0] : null;
        return RegistryRequestParser.Parse(context.Request.Method, rawPath, ns, _defaultRegistry);
    }

    private static async Task<Decision> ServeApiVersionAsync(HttpContext context, RegistryRequest request)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = EmptyJsonObject.Length;
        if (!request.IsHead)
        {
            await context.Response.Body.WriteAsync(EmptyJsonObject, context.RequestAborted);
        }

        return Decision.Local;
    }

    private async Task<Decision> ServeManifestAsync(HttpContext context, RegistryRequest request)
    {
        var cancellationToken = context.RequestAborted;
        var descriptor = request.ImageName is { } name
            ? await store.ResolveTagAsync(name, cancellationToken)
            : await store.StatAsync(request.Digest, cancellationToken);
        if (descriptor is null)
        {
            return await ServeMissAsync(context, request, OciErrorCode.ManifestUnknown);
        }

        if (MediaTypes.IsManifest(descriptor.MediaType))
        {
            LogServingLocal(logger, request.Route, request.Repository, request.Reference, descriptor.Digest);
            return await SendContentAsync(context, request, descriptor, descriptor.MediaType!, allowRange: false);
        }

        if (descriptor.MediaType is not null || descriptor.Size > MediaTypes.MaxManifestSize)
        {
            // Known to be something other than a manifest (a config or a layer), or too large to be one.
            return await ServeMissAsync(context, request, OciErrorCode.ManifestUnknown);
        }

        return await ServeUntypedManifestAsync(context, request, descriptor);
    }

    /// <summary>
    /// Serves a manifest whose referencing descriptor the store does not know: its media type comes from its own
    /// content. Manifests are small (at most <see cref="MediaTypes.MaxManifestSize"/>), so it is read whole.
    /// </summary>
    private async Task<Decision> ServeUntypedManifestAsync(
        HttpContext context,
        RegistryRequest request,
        ContentDescriptor descriptor)
    {
        var cancellationToken = context.RequestAborted;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(descriptor.Size, 1));
        try
        {
            var length = await ReadWholeAsync(descriptor, buffer, cancellationToken);
            if (length != descriptor.Size
                || !MediaTypes.TryDetectManifestMediaType(buffer.AsSpan(0, length), out var mediaType))
            {
                return await ServeMissAsync(context, request, OciErrorCode.ManifestUnknown);
            }

            LogServingLocal(logger, request.Route, request.Repository, request.Reference, descriptor.Digest);
            SetContentHeaders(context.Response, request, descriptor, mediaType);
            context.Response.ContentLength = length;
            if (!request.IsHead && !IsNotModified(context, descriptor))
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
                _metrics?.Served("local", length);
            }

            return Decision.Local;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<int> ReadWholeAsync(
        ContentDescriptor descriptor,
        byte[] buffer,
        CancellationToken cancellationToken)
    {
        await using var source = await store.OpenAsync(descriptor.Digest, 0, cancellationToken);
        if (source is null)
        {
            return -1;
        }

        var size = (int)descriptor.Size;
        if (source.FilePath is not null)
        {
            using var file = File.OpenHandle(
                source.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return await RandomAccess.ReadAsync(file, buffer.AsMemory(0, size), 0, cancellationToken);
        }

        return await source.Stream!.ReadAtLeastAsync(
            buffer.AsMemory(0, size), size, throwOnEndOfStream: false, cancellationToken);
    }

    private async Task<Decision> ServeBlobAsync(HttpContext context, RegistryRequest request)
    {
        var descriptor = await store.StatAsync(request.Digest, context.RequestAborted);
        if (descriptor is null)
        {
            return await ServeMissAsync(context, request, OciErrorCode.BlobUnknown);
        }

        LogServingLocal(logger, request.Route, request.Repository, request.Reference, descriptor.Digest);
        return await SendContentAsync(context, request, descriptor, MediaTypes.OctetStream, allowRange: true);
    }

    /// <summary>
    /// Sends local content: headers, then (unless HEAD or not modified) the bytes of the requested range. A source
    /// that vanished before the first byte is a 404; one that fails after it aborts the connection, so that a short
    /// body can never look complete.
    /// </summary>
    private async Task<Decision> SendContentAsync(
        HttpContext context, RegistryRequest request, ContentDescriptor descriptor, string contentType, bool allowRange)
    {
        var response = context.Response;
        var range = allowRange
            ? ByteRange.Parse(context.Request.Headers.Range.ToString(), descriptor.Size)
            : new ByteRange(ByteRangeKind.Whole, 0, descriptor.Size);
        if (range.Kind == ByteRangeKind.Unsatisfiable)
        {
            response.Headers.ContentRange = $"bytes */{descriptor.Size}";
            await OciErrorWriter.WriteAsync(
                context, OciErrorCode.RangeInvalid, $"the content is {descriptor.Size} bytes long");
            return new Decision("local", "range not satisfiable");
        }

        if (request.IsHead || IsNotModified(context, descriptor))
        {
            SetContentHeaders(response, request, descriptor, contentType);
            SetRangeHeaders(response, range, descriptor.Size);
            return Decision.Local;
        }

        await using var source = await store.OpenAsync(descriptor.Digest, range.Start, context.RequestAborted);
        if (source is null)
        {
            return await ServeMissAsync(
                context,
                request,
                request.Route == RegistryRoute.Blob ? OciErrorCode.BlobUnknown : OciErrorCode.ManifestUnknown);
        }

        SetContentHeaders(response, request, descriptor, contentType);
        SetRangeHeaders(response, range, descriptor.Size);
        var (outcome, copied) = await CopyAsync(context, source, range.Length);
        _metrics?.Served("local", copied);
        if (outcome != CopyOutcome.Completed)
        {
            LogCopyIncomplete(logger, descriptor.Digest, outcome, copied, range.Length);
            context.Abort();
            return new Decision("local", $"body ended with {outcome} after {copied} of {range.Length} bytes");
        }

        return Decision.Local;
    }

    private static async Task<(CopyOutcome Outcome, long Copied)> CopyAsync(
        HttpContext context,
        ContentSource source,
        long count)
    {
        var body = context.Response.BodyWriter;
        await context.Response.StartAsync(context.RequestAborted);
        if (source.FilePath is null)
        {
            return await ContentCopier.CopyStreamAsync(source.Stream!, count, body, context.RequestAborted);
        }

        Microsoft.Win32.SafeHandles.SafeFileHandle file;
        try
        {
            file = File.OpenHandle(
                source.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (CopyOutcome.SourceFailed, 0);
        }

        using (file)
        {
            return await ContentCopier.CopyFileAsync(file, source.Offset, count, body, context.RequestAborted);
        }
    }

    private async Task<Decision> ServeMissAsync(HttpContext context, RegistryRequest request, OciErrorCode code)
    {
        string detail;
        if (mirror is not null && !context.Request.Headers.ContainsKey(PeerHeaders.PeerRequest))
        {
            var outcome = await mirror.TryServeAsync(context, request, context.RequestAborted);
            if (outcome.Served)
            {
                _metrics?.MirrorSucceeded(_time.GetUtcNow());
                return new Decision("peer", outcome.Reason);
            }

            detail = outcome.Reason;
        }
        else
        {
            detail = mirror is null
                ? "not in this node's store"
                : "not in this node's store; peer requests are not forwarded";
        }

        LogNotFound(logger, request.Route, request.Repository, request.Reference, detail);
        context.Response.Clear();
        context.Response.Headers[ApiVersionHeader] = "registry/2.0";
        await OciErrorWriter.WriteAsync(context, code, detail);
        return new Decision("miss", detail);
    }

    private static void SetContentHeaders(
        HttpResponse response,
        RegistryRequest request,
        ContentDescriptor descriptor,
        string contentType)
    {
        var headers = response.Headers;
        response.ContentType = contentType;
        response.ContentLength = descriptor.Size;
        headers[DigestHeader] = descriptor.Digest.Value;
        headers.ETag = $"\"{descriptor.Digest.Value}\"";
        if (request.Route == RegistryRoute.Blob)
        {
            headers.AcceptRanges = "bytes";
        }

        if (request.Tag is null)
        {
            headers.CacheControl = ImmutableCacheControl;
        }
    }

    private static void SetRangeHeaders(HttpResponse response, ByteRange range, long size)
    {
        if (response.StatusCode == StatusCodes.Status304NotModified)
        {
            response.ContentLength = null;
            return;
        }

        if (range.Kind != ByteRangeKind.Partial)
        {
            response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        response.StatusCode = StatusCodes.Status206PartialContent;
        response.ContentLength = range.Length;
        response.Headers.ContentRange = $"bytes {range.Start}-{range.Start + range.Length - 1}/{size}";
    }

    private static bool IsNotModified(HttpContext context, ContentDescriptor descriptor)
    {
        var ifNoneMatch = context.Request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }

        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any)
                || tag.Tag.AsSpan().Trim('"').SequenceEqual(descriptor.Digest.Value))
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = RegistryEventIds.RequestRejected, EventName = nameof(RegistryEventIds.RequestRejected),
        Level = LogLevel.Debug,
        Message = "Rejected {Method} request: {Error} ({Detail})")]
    private static partial void LogRequestRejected(ILogger logger, string method, OciErrorCode error, string? detail);

    [LoggerMessage(EventId = RegistryEventIds.ServingLocal, EventName = nameof(RegistryEventIds.ServingLocal),
        Level = LogLevel.Debug,
        Message = "Serving {Route} {Repository}:{Reference} ({Digest}) from the local store")]
    private static partial void LogServingLocal(
        ILogger logger,
        RegistryRoute route,
        string repository,
        string reference,
        Digest digest);

    [LoggerMessage(EventId = RegistryEventIds.NotFound, EventName = nameof(RegistryEventIds.NotFound),
        Level = LogLevel.Debug,
        Message = "Not found: {Route} {Repository}:{Reference} ({Detail})")]
    private static partial void LogNotFound(
        ILogger logger,
        RegistryRoute route,
        string repository,
        string reference,
        string detail);

    [LoggerMessage(EventId = RegistryEventIds.CopyIncomplete, EventName = nameof(RegistryEventIds.CopyIncomplete),
        Level = LogLevel.Debug,
        Message = "Body of {Digest} ended with {Outcome} after {Copied} of {Expected} bytes; connection aborted")]
    private static partial void LogCopyIncomplete(
        ILogger logger,
        Digest digest,
        CopyOutcome outcome,
        long copied,
        long expected);

    [LoggerMessage(EventId = RegistryEventIds.RequestAborted, EventName = nameof(RegistryEventIds.RequestAborted),
        Level = LogLevel.Debug,
        Message = "Client went away during {Route} {Repository}:{Reference}")]
    private static partial void LogRequestAborted(
        ILogger logger,
        RegistryRoute route,
        string repository,
        string reference);

    [LoggerMessage(EventId = RegistryEventIds.RequestFailed, EventName = nameof(RegistryEventIds.RequestFailed),
        Level = LogLevel.Error,
        Message = "Request {Route} {Repository}:{Reference} failed")]
    private static partial void LogRequestFailed(
        ILogger logger,
        RegistryRoute route,
        string repository,
        string reference,
        Exception exception);
}
