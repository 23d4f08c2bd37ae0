using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spegel.Registry.Containerd.Api.Content;
using Spegel.Registry.Containerd.Api.Events;
using Spegel.Registry.Containerd.Api.Images;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;
using VersionClient = Spegel.Registry.Containerd.Api.Version.Version.VersionClient;

namespace Spegel.Registry.Containerd;

/// <summary>
/// <see cref="IContainerdClient"/> over gRPC on containerd's Unix socket. One HTTP/2 channel per instance (register
/// it as a singleton), reused by every call. Unary calls carry <see cref="ContainerdStoreOptions.CallTimeout"/> as
/// their deadline; listings carry <see cref="ListTimeout"/>; a blob read is bounded only until its first chunk, since
/// a large blob may take long to send, and the event subscription only by cancellation.
/// </summary>
internal sealed partial class GrpcContainerdClient : IContainerdClient, IDisposable
{
    /// <summary>The deadline of whole-namespace listings, which can be large on a busy node.</summary>
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(30);

    // containerd answers a listing in one message; 4 MiB (the gRPC default) holds only a few thousand images.
    private const int MaxReceiveMessageSize = 64 << 20;

    private readonly ContainerdStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<GrpcContainerdClient> _logger;
    private readonly ContainerdCircuit _circuit;
    private readonly GrpcChannel _channel;
    private readonly Metadata _headers;
    private readonly CallInvoker _callInvoker;
    private readonly Api.Content.Content.ContentClient _content;
    private readonly Images.ImagesClient _images;
    private readonly Events.EventsClient _events;
    private readonly VersionClient _version;

    public GrpcContainerdClient(
        IOptions<ContainerdStoreOptions> options,
        TimeProvider timeProvider,
        ILogger<GrpcContainerdClient> logger)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _circuit = new ContainerdCircuit(timeProvider, _options.RetryUnreachableAfter);
        _channel = CreateChannel(_options.SocketPath, _options.CallTimeout);
        _headers = new Metadata { { "containerd-namespace", _options.Namespace } };
        _callInvoker = _channel.CreateCallInvoker();
        _content = new Api.Content.Content.ContentClient(_callInvoker);
        _images = new Images.ImagesClient(_channel);
        _events = new Events.EventsClient(_channel);
        _version = new VersionClient(_channel);
    }

    /// <inheritdoc/>
    public string SocketPath => _options.SocketPath;

    /// <inheritdoc/>
    public string Namespace => _options.Namespace;

    /// <inheritdoc/>
    public bool IsKnownUnreachable => _circuit.IsOpen;

    /// <inheritdoc/>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken)
    {
        // The probe ignores the circuit: it is how an operator learns that containerd is back.
        try
        {
            var response = await _version.VersionAsync(new Empty(), UnaryOptions(cancellationToken));
            MarkReachable();
            return response.Version;
        }
        catch (RpcException ex)
        {
            throw Failed(ex);
        }
    }

    /// <inheritdoc/>
    public async Task<ContainerdContentInfo?> GetContentInfoAsync(Digest digest, CancellationToken cancellationToken)
    {
        ThrowIfKnownUnreachable();
        try
        {
            var response = await _content.InfoAsync(
                new InfoRequest { Digest = digest.Value }, UnaryOptions(cancellationToken));
            MarkReachable();
            return new ContainerdContentInfo(digest, response.Info.Size);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            MarkReachable();
            return null;
        }
        catch (RpcException ex)
        {
            throw Failed(ex);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ContainerdContentInfo> ListContentAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ThrowIfKnownUnreachable();
        using var call = _content.List(new ListContentRequest(), ListOptions(cancellationToken));
        while (await MoveNextAsync(call.ResponseStream, cancellationToken))
        {
            foreach (var info in call.ResponseStream.Current.Info)
            {
                if (Digest.TryParse(info.Digest, out var digest))
                {
                    yield return new ContainerdContentInfo(digest, info.Size);
                }
            }
        }

        MarkReachable();
    }

    /// <inheritdoc/>
    public async Task<Stream?> OpenReadAsync(Digest digest, long offset, long size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, size);
        ThrowIfKnownUnreachable();
        if (offset == size)
        {
            return Stream.Null;
        }

        // No deadline on the call itself: sending a large blob may take minutes. Only its first chunk is bounded.
        // ReadContentMethod instead of the generated client's Read: it keeps message bytes in pooled arrays.
        var call = _callInvoker.AsyncServerStreamingCall(
            ReadContentMethod.Method,
            host: null,
            new CallOptions(_headers, cancellationToken: cancellationToken),
            new ReadContentRequest { Digest = digest.Value, Offset = offset });
        try
        {
            var first = await ReadFirstChunkAsync(call, cancellationToken);

            // containerd 1.6 numbers response offsets from the requested offset; later versions may use blob offsets.
            var offsetBase = first?.Offset == offset ? 0 : offset;
            if (first is null || offsetBase + first.Offset != offset || first.Length == 0
                || offset + first.Length > size)
            {
                first?.Release();
                call.Dispose();
                return null;
            }

            return new ContainerdReadStream(call, first, offset, size, offsetBase);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            call.Dispose();
            return null;
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<ContainerdImage?> GetImageAsync(string name, CancellationToken cancellationToken)
    {
        ThrowIfKnownUnreachable();
        try
        {
            var response = await _images.GetAsync(new GetImageRequest { Name = name }, UnaryOptions(cancellationToken));
            MarkReachable();
            return ToImage(response.Image);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            MarkReachable();
            return null;
        }
        catch (RpcException ex)
        {
            throw Failed(ex);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ContainerdImage>> ListImagesAsync(CancellationToken cancellationToken)
    {
        ThrowIfKnownUnreachable();
        try
        {
            var response = await _images.ListAsync(new ListImagesRequest(), ListOptions(cancellationToken));
            MarkReachable();
            return [.. response.Images.Select(ToImage).OfType<ContainerdImage>()];
        }
        catch (RpcException ex)
        {
            throw Failed(ex);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ContainerdEvent> SubscribeAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new SubscribeRequest();
        foreach (var topic in EventTopics.All)
        {
            request.Filters.Add($"topic==\"{topic}\",namespace==\"{_options.Namespace}\"");
        }

        using var call = _events.Subscribe(request, new CallOptions(_headers, cancellationToken: cancellationToken));
        while (await MoveNextAsync(call.ResponseStream, cancellationToken))
        {
            var envelope = call.ResponseStream.Current;
            if (envelope.Namespace == _options.Namespace && EventTopics.Decode(envelope) is { } decoded)
            {
                yield return decoded;
            }
        }

        throw new ContainerdUnavailableException($"containerd at {_options.SocketPath} ended the event subscription.");
    }

    /// <inheritdoc/>
    public void Dispose() => _channel.Dispose();

    private static GrpcChannel CreateChannel(string socketPath, TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };

        // The authority is never resolved: every connection goes to the socket above.
        return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxReceiveMessageSize,
            ThrowOperationCanceledOnCancellation = true,
        });
    }

    private CallOptions UnaryOptions(CancellationToken cancellationToken) =>
        new(_headers, _timeProvider.GetUtcNow().UtcDateTime + _options.CallTimeout, cancellationToken);

    private CallOptions ListOptions(CancellationToken cancellationToken) =>
        new(_headers, _timeProvider.GetUtcNow().UtcDateTime + ListTimeout, cancellationToken);

    private async Task<ReadContentChunk?> ReadFirstChunkAsync(
        AsyncServerStreamingCall<ReadContentChunk> call,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.CallTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var hasFirst = await call.ResponseStream.MoveNext(linked.Token);
            MarkReachable();
            return hasFirst ? call.ResponseStream.Current : null;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested
            && !cancellationToken.IsCancellationRequested)
        {
            throw Failed(new RpcException(
                new Status(StatusCode.DeadlineExceeded, "No data within the call timeout.", ex)));
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.NotFound)
        {
            throw Failed(ex);
        }
    }

    private async Task<bool> MoveNextAsync<T>(IAsyncStreamReader<T> reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.MoveNext(cancellationToken);
        }
        catch (RpcException ex)
        {
            throw Failed(ex);
        }
    }

    private static ContainerdImage? ToImage(Image image) =>
        image.Target is { } target && Digest.TryParse(target.Digest, out var digest)
            ? new ContainerdImage(image.Name, new ContentDescriptor(digest, target.Size, NullIfEmpty(target.MediaType)))
            : null;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private void ThrowIfKnownUnreachable()
    {
        if (_circuit.IsOpen)
        {
            throw new ContainerdUnavailableException(
                $"containerd at {_options.SocketPath} is not reachable (retrying shortly).");
        }
    }

    private void MarkReachable()
    {
        if (_circuit.RecordSuccess())
        {
            LogInformationReachable(_logger, _options.SocketPath);
        }
    }

    /// <summary>
    /// Turns a failed call into the exception callers handle. Connection failures and missed deadlines open the
    /// circuit and are logged once per outage; any other status is a failure of this one call.
    /// </summary>
    private ContainerdUnavailableException Failed(RpcException ex)
    {
        if (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            if (_circuit.RecordFailure())
            {
                LogErrorUnreachable(_logger, _options.SocketPath, ex.Status.Detail, ex);
            }

            return new ContainerdUnavailableException(
                $"containerd at {_options.SocketPath} is not reachable: {ex.Status.Detail}", ex);
        }

        LogWarningCallFailed(_logger, _options.SocketPath, ex.StatusCode, ex.Status.Detail, ex);
        return new ContainerdUnavailableException(
            $"containerd at {_options.SocketPath} failed a call: {ex.StatusCode} {ex.Status.Detail}", ex);
    }

    [LoggerMessage(EventId = ContainerdEventIds.Unreachable, EventName = nameof(ContainerdEventIds.Unreachable),
        Level = LogLevel.Error,
        Message = "containerd at {SocketPath} is not reachable; lookups answer 'not found' until it is back: {Detail}")]
    private static partial void LogErrorUnreachable(
        ILogger logger,
        string socketPath,
        string detail,
        Exception exception);

    [LoggerMessage(EventId = ContainerdEventIds.Reachable, EventName = nameof(ContainerdEventIds.Reachable),
        Level = LogLevel.Information,
        Message = "containerd at {SocketPath} is reachable again")]
    private static partial void LogInformationReachable(ILogger logger, string socketPath);

    [LoggerMessage(EventId = ContainerdEventIds.CallFailed, EventName = nameof(ContainerdEventIds.CallFailed),
        Level = LogLevel.Warning,
        Message = "containerd at {SocketPath} failed a call with {StatusCode}: {Detail}")]
    private static partial void LogWarningCallFailed(
        ILogger logger,
        string socketPath,
        StatusCode statusCode,
        string detail,
        Exception exception);
}
