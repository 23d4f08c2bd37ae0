using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spegel.Registry.Distribution;
using Spegel.Registry.Http;

namespace Spegel.Registry.Mirroring;

/// <summary>
/// Serves a local miss from the other nodes that hold the content, as the cluster index names them.
/// </summary>
/// <remarks>
/// <para>Model: containerd waits forever on a mirror that hangs and fails the pull on wrong bytes, but falls back at
/// once on a 404 or a dropped connection. So every step here is bounded (lookups and manifests by
/// <see cref="MirrorOptions.ManifestBudget"/>, each holder's headers by <see cref="MirrorOptions.PeerTimeout"/>, each
/// body chunk by <see cref="MirrorOptions.StallTimeout"/>), a miss or a run of failing holders becomes a fast
/// "not served" (the endpoint's 404), and no byte that fails its digest is passed on as valid.</para>
/// <para>Invariants: a holder is always asked by digest and with <see cref="PeerHeaders.PeerRequest"/>, so it answers
/// from its own store and never forwards (no loops). Manifests are verified whole before the first byte is sent.
/// A whole blob is hashed as it passes and its final chunk is held back until the digest matches; a blob body that
/// cannot be completed from any holder is aborted, never ended as if complete. A client's own <c>Range</c> is relayed
/// unverified: a part cannot be checked against the digest of the whole, and containerd verifies the whole blob
/// itself once it has all parts.</para>
/// <para>Known gap: a blob asked for by digest has no size in the cluster index, so the first holder that answers
/// sets the expected size; a holder that lies about it is only caught by the digest at the end, after all but the
/// final chunk was sent, and the client then sees an aborted body rather than the next holder's.</para>
/// </remarks>
public sealed partial class PeerMirror : IPeerMirror
{
    /// <summary>
    /// The name of the <see cref="HttpClient"/> used to reach holders (see
    /// <see cref="PeerMirrorServiceCollectionExtensions"/>).
    /// </summary>
    public const string HttpClientName = "Spegel.PeerMirror";

    private const string ApiVersionHeader = "Docker-Distribution-API-Version";
    private const string DigestHeader = "Docker-Content-Digest";

    // Content is addressed by digest, so a response for a digest never changes.
    private const string ImmutableCacheControl = "public, max-age=31536000, immutable";

    private readonly IContentLocator _locator;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly MirrorOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PeerMirror> _logger;
    private readonly MirrorMetrics _metrics;
    private readonly MirrorFilter _filter;
    private readonly FailedHolderMemory _failedHolders;

    /// <summary>Creates the mirror.</summary>
    /// <exception cref="ArgumentException">
    /// An option is out of range or a filter is not a valid regular expression.
    /// </exception>
    public PeerMirror(
        IContentLocator locator,
        IHttpClientFactory httpClientFactory,
        IOptions<MirrorOptions> options,
        TimeProvider timeProvider,
        IMeterFactory meterFactory,
        ILogger<PeerMirror> logger)
        : this(locator, httpClientFactory, options, timeProvider, meterFactory, logger, Random.Shared)
    {
    }

    /// <summary>Creates the mirror with the source of randomness that orders holders.</summary>
    internal PeerMirror(
        IContentLocator locator,
        IHttpClientFactory httpClientFactory,
        IOptions<MirrorOptions> options,
        TimeProvider timeProvider,
        IMeterFactory meterFactory,
        ILogger<PeerMirror> logger,
        Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        Validate(_options);
        _locator = locator;
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = new MirrorMetrics(meterFactory);
        _filter = new MirrorFilter(_options);
        _failedHolders = new FailedHolderMemory(timeProvider, _options.FailedHolderBackoff, random);
    }

    /// <inheritdoc/>
    /// <remarks>Never throws for anything a client, the cluster index or a holder does.</remarks>
    public async Task<MirrorOutcome> TryServeAsync(
        HttpContext context,
        RegistryRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Route == RegistryRoute.ApiVersion)
        {
            return MirrorOutcome.NotApplicable("the API version check is answered locally");
        }

        if (_filter.IsExcluded(request, out var excluded))
        {
            LogNotMirrored(_logger, request.Route, request.Repository, request.Reference, excluded);
            return MirrorOutcome.NotApplicable(excluded);
        }

        // Lookups are always bounded by the budget; a blob body afterwards only by its stall timeout.
        var bounded = request.IsHead || request.Route == RegistryRoute.Manifest;
        using var budget = new Deadline(_timeProvider, _options.ManifestBudget, cancellationToken);
        var (target, missing) = await LocateAsync(request, budget, cancellationToken);
        if (target is null)
        {
            LogNoHolders(_logger, request.Route, request.Repository, request.Reference, missing);
            return MirrorOutcome.NotApplicable(missing);
        }

        if (!bounded)
        {
            budget.Restart(Timeout.InfiniteTimeSpan);
        }

        var holders = _failedHolders.Order(target.Holders, _options.MaxHoldersTried);
        LogHoldersFound(_logger, request.Route, request.Repository, request.Reference, target.Digest, holders.Count,
            target.Holders.Count);
        var outcome = request.IsHead
            ? await ServeHeadAsync(context, request, target, holders, budget, cancellationToken)
            : request.Route == RegistryRoute.Manifest
                ? await ServeManifestAsync(context, request, target, holders, budget, cancellationToken)
                : await ServeBlobAsync(context, request, target, holders, budget, cancellationToken);

        _metrics.HoldersTried(outcome.HoldersTried, outcome.Served);
        if (outcome.Served)
        {
            LogServed(_logger, target.Digest, outcome.Reason);
        }
        else
        {
            LogNotServed(_logger, target.Digest, outcome.Reason);
        }

        return outcome;
    }

    /// <summary>
    /// Asks the cluster index; a miss, a timeout or a failure of the index is a reason, never an exception.
    /// </summary>
    private async Task<(MirrorTarget? Target, string Reason)> LocateAsync(
        RegistryRequest request,
        Deadline budget,
        CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var kind = request.Tag is null ? "digest" : "tag";
        try
        {
            if (request.ImageName is { } name)
            {
                var location = await _locator.ResolveTagAsync(name, budget.Token);
                _metrics.Lookup(kind, _timeProvider.GetElapsedTime(started));
                return location switch
                {
                    null => (null, $"no node in the cluster has {name}"),
                    { Target.MediaType: { } type } when !MediaTypes.IsManifest(type) =>
                        (null, $"{name} names a {type}, not a manifest"),
                    { Holders.Count: 0 } => (null, $"no node in the cluster holds {location.Target.Digest} ({name})"),
                    _ => (
                        new MirrorTarget(
                            location.Target.Digest, location.Target.Size, location.Target.MediaType, location.Holders),
                        ""),
                };
            }

            var holders = await _locator.FindHoldersAsync(request.Digest, budget.Token);
            _metrics.Lookup(kind, _timeProvider.GetElapsedTime(started));
            return holders is null || holders.Count == 0
                ? (null, $"no node in the cluster holds {request.Digest}")
                : (new MirrorTarget(request.Digest, null, null, holders), "");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, "the client went away during the cluster lookup");
        }
        catch (OperationCanceledException ex) when (budget.Expired)
        {
            LogLookupFailed(_logger, request.Route, request.Repository, request.Reference, ex);
            return (null, $"the cluster index did not answer within {_options.ManifestBudget.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The index is a port: its implementation may fail in ways this assembly cannot name (grain calls,
            // timeouts, serialization). Whatever it is, the content is simply not found through the cluster.
            LogLookupFailed(_logger, request.Route, request.Repository, request.Reference, ex);
            return (null, $"the cluster index could not be asked ({ex.GetType().Name}: {ex.Message})");
        }
    }

    /// <summary>
    /// Records a failed holder: the reason, the metric, the log and, for a real fault, the failure memory.
    /// </summary>
    private void Fail(HolderAttempts attempts, PeerHolder holder, string kind, Digest digest, PeerFailure failure)
    {
        attempts.Add(holder, failure.Detail);
        _metrics.PeerRequest(kind, failure.Tag);
        if (!failure.MarksHolder)
        {
            LogPeerDeclined(_logger, holder.Node, digest, failure.Detail);
            return;
        }

        _failedHolders.MarkFailed(holder);
        if (failure.Kind == PeerFailureKind.DigestMismatch)
        {
            LogDigestMismatch(_logger, holder.Node, holder.Endpoint, digest);
        }
        else
        {
            LogPeerFailed(_logger, holder.Node, holder.Endpoint, digest, failure.Detail);
        }
    }

    /// <summary>Records the holder that completed the request.</summary>
    private MirrorOutcome Succeed(HolderAttempts attempts, PeerHolder holder, string kind)
    {
        attempts.Add(holder, "served");
        _metrics.PeerRequest(kind, "ok");
        _failedHolders.MarkHealthy(holder);
        return new MirrorOutcome(true, attempts.Count, attempts.Describe());
    }

    /// <summary>Tells the index which holders served wrong bytes; bounded, and never fails the request.</summary>
    private async Task ReportCorruptAsync(Digest digest, IEnumerable<PeerHolder> holders)
    {
        // Not the request's token: the report matters even when the client has gone.
        using var deadline = new Deadline(_timeProvider, _options.PeerTimeout, CancellationToken.None);
        foreach (var holder in holders)
        {
            try
            {
                await _locator.ReportCorruptHolderAsync(digest, holder, deadline.Token);
            }
            catch (Exception ex)
            {
                // As in LocateAsync: the port's failures cannot be named here, and a lost report only costs another
                // verified failure later.
                LogReportCorruptFailed(_logger, holder.Node, digest, ex);
            }
        }
    }

    private static void SetContentHeaders(
        HttpResponse response,
        RegistryRequest request,
        Digest digest,
        string contentType,
        long length)
    {
        var headers = response.Headers;
        headers[ApiVersionHeader] = "registry/2.0";
        response.ContentType = contentType;
        response.ContentLength = length;
        headers[DigestHeader] = digest.Value;
        headers.ETag = $"\"{digest.Value}\"";
        if (request.Route == RegistryRoute.Blob)
        {
            headers.AcceptRanges = "bytes";
        }

        if (request.Tag is null)
        {
            headers.CacheControl = ImmutableCacheControl;
        }
    }

    private static void Validate(MirrorOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(
            options.PeerTimeout, TimeSpan.Zero, "MirrorOptions.PeerTimeout");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(
            options.ManifestBudget, TimeSpan.Zero, "MirrorOptions.ManifestBudget");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(
            options.StallTimeout, TimeSpan.Zero, "MirrorOptions.StallTimeout");
        ArgumentOutOfRangeException.ThrowIfLessThan(
            options.FailedHolderBackoff, TimeSpan.Zero, "MirrorOptions.FailedHolderBackoff");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxHoldersTried, 1, "MirrorOptions.MaxHoldersTried");
    }
}
