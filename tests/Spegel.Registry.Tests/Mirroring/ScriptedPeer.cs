using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spegel.Registry.Mirroring;
using Spegel.TestSupport.Images;

namespace Spegel.Registry.Tests.Mirroring;

/// <summary>What a misbehaving peer does with a request for a blob it knows.</summary>
internal delegate Task PeerScript(HttpContext context, TestBlob blob, CancellationToken cancellationToken);

/// <summary>
/// A node that misbehaves in one chosen way, on real Kestrel on loopback: it knows the blobs it is given, answers
/// 404 for others, and runs its script for the rest. Records every request.
/// </summary>
internal sealed class ScriptedPeer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedPeer(WebApplication app, string node, Uri address, ConcurrentQueue<SeenRequest> requests)
    {
        _app = app;
        Holder = new PeerHolder(node, address);
        Requests = requests;
    }

    public PeerHolder Holder { get; }

    public ConcurrentQueue<SeenRequest> Requests { get; }

    public static async Task<ScriptedPeer> StartAsync(string node, IEnumerable<TestBlob> blobs, PeerScript script)
    {
        var known = blobs.ToDictionary(blob => blob.Digest, StringComparer.Ordinal);
        var requests = new ConcurrentQueue<SeenRequest>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(async context =>
        {
            requests.Enqueue(SeenRequest.From(context.Request));
            var digest = context.Request.Path.Value![(context.Request.Path.Value!.LastIndexOf('/') + 1)..];
            if (!known.TryGetValue(digest, out var blob))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            try
            {
                await script(context, blob, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The mirror gave up on this peer, which is what the script is there to provoke.
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ScriptedPeer(app, node, new Uri(address), requests);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The ways a scripted peer misbehaves.</summary>
internal static class PeerScripts
{
    // Long enough to outlast every timeout under test, short enough that a forgotten hang ends the test run anyway.
    private static readonly TimeSpan HangFor = TimeSpan.FromSeconds(10);

    // Lets the sent bytes reach the mirror before the connection is reset (a reset may discard unread data).
    private static readonly TimeSpan BeforeAbort = TimeSpan.FromMilliseconds(200);

    public static PeerScript Status(int status) => (context, _, _) =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };

    public static PeerScript Hang { get; } = (_, _, cancellationToken) => Task.Delay(HangFor, cancellationToken);

    /// <summary>A healthy answer: the whole blob with its headers.</summary>
    public static PeerScript Whole { get; } = async (context, blob, cancellationToken) =>
    {
        SetHeaders(context, blob, StatusCodes.Status200OK, blob.Size);
        await context.Response.Body.WriteAsync(blob.Bytes, cancellationToken);
    };

    /// <summary>Headers with the full length, <paramref name="bytes"/> of the body, then a reset.</summary>
    public static PeerScript AbortAfter(int bytes) => async (context, blob, cancellationToken) =>
    {
        SetHeaders(context, blob, StatusCodes.Status200OK, blob.Size);
        await context.Response.Body.WriteAsync(blob.Bytes.AsMemory(0, bytes), cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
        await Task.Delay(BeforeAbort, cancellationToken);
        context.Abort();
    };

    /// <summary>Headers with the full length, <paramref name="bytes"/> of the body, then silence.</summary>
    public static PeerScript StallAfter(int bytes) => async (context, blob, cancellationToken) =>
    {
        SetHeaders(context, blob, StatusCodes.Status200OK, blob.Size);
        await context.Response.Body.WriteAsync(blob.Bytes.AsMemory(0, bytes), cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
        await Task.Delay(HangFor, cancellationToken);
    };

    /// <summary>200 with the right length and one flipped byte in the middle.</summary>
    public static PeerScript Corrupt { get; } = async (context, blob, cancellationToken) =>
    {
        var bytes = (byte[])blob.Bytes.Clone();
        bytes[bytes.Length / 2] ^= 0xFF;
        SetHeaders(context, blob, StatusCodes.Status200OK, blob.Size);
        await context.Response.Body.WriteAsync(bytes, cancellationToken);
    };

    /// <summary>Headers with the full length, but <paramref name="missing"/> bytes fewer, as a truncated file would give.</summary>
    public static PeerScript ShortBody(int missing) => async (context, blob, cancellationToken) =>
    {
        SetHeaders(context, blob, StatusCodes.Status200OK, blob.Size);
        await context.Response.Body.WriteAsync(blob.Bytes.AsMemory(0, blob.Bytes.Length - missing), cancellationToken);
    };

    /// <summary>A 200 whose length (and body) is longer than the content: the peer's record disagrees.</summary>
    public static PeerScript WrongLength { get; } = async (context, blob, cancellationToken) =>
    {
        SetHeaders(context, blob, StatusCodes.Status200OK, blob.Size + 1);
        await context.Response.Body.WriteAsync(blob.Bytes, cancellationToken);
        await context.Response.Body.WriteAsync(new byte[1], cancellationToken);
    };

    /// <summary>Always the first ten bytes as a 206, whatever range was asked.</summary>
    public static PeerScript WrongRange { get; } = async (context, blob, cancellationToken) =>
    {
        SetHeaders(context, blob, StatusCodes.Status206PartialContent, 10);
        context.Response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes 0-9/{blob.Size}");
        await context.Response.Body.WriteAsync(blob.Bytes.AsMemory(0, 10), cancellationToken);
    };

    private static void SetHeaders(HttpContext context, TestBlob blob, int status, long length)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = length;
        context.Response.Headers["Docker-Content-Digest"] = blob.Digest;
    }
}
