using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Spegel.Registry.Distribution;
using Spegel.Registry.Mirroring;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Processes;

namespace Spegel.Registry.Tests.Mirroring;

/// <summary>
/// The peer mirror end to end: a client asks a front node with an empty store, which fetches from holders that are
/// real Kestrel apps on loopback, healthy or misbehaving in one chosen way.
/// </summary>
public sealed partial class PeerMirrorTests : IClassFixture<PeerMirrorFixture>
{
    // "No waiting" bound for a miss: generous, since it guards against waiting on a timeout, not for speed.
    private static readonly TimeSpan FastMiss = TimeSpan.FromSeconds(1);

    // Slack on top of a configured timeout for scheduling on a busy two-core machine.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1.5);

    private readonly PeerMirrorFixture _fixture;

    public PeerMirrorTests(PeerMirrorFixture fixture)
    {
        _fixture = fixture;
        fixture.HealthyA.Requests.Clear();
        fixture.HealthyB.Requests.Clear();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private TestImage App => _fixture.App;

    [Fact]
    public async Task Manifest_ByTagFromHealthyPeer_ServesTargetBytesAndHeaders()
    {
        var locator = Holding(App, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);

        using var response = await front.Client.GetAsync("/v2/library/app/manifests/v1?ns=docker.io", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContentHeaders(response, App.Target, TestMediaTypes.OciManifest);
        Assert.Equal(App.Target.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        var seen = Assert.Single(_fixture.HealthyA.Requests);
        Assert.Equal(("GET", $"/v2/library/app/manifests/{App.Target.Digest}?ns=docker.io", "1"), (seen.Method, seen.PathAndQuery, seen.PeerHeader));
    }

    [Fact]
    public async Task Manifest_ByDigestFromHealthyPeer_ServesBytesWithPeersMediaTypeAndForwardsAccept()
    {
        var image = _fixture.Docker;
        var locator = Holding(image, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/library/dock/manifests/{image.Target.Digest}?ns=docker.io");
        request.Headers.TryAddWithoutValidation("Accept", TestMediaTypes.DockerManifest);

        using var response = await front.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContentHeaders(response, image.Target, TestMediaTypes.DockerManifest);
        Assert.Equal(image.Target.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal("public, max-age=31536000, immutable", string.Join(", ", response.Headers.GetValues("Cache-Control")));
        Assert.Equal(TestMediaTypes.DockerManifest, Assert.Single(_fixture.HealthyA.Requests).Accept);
    }

    [Fact]
    public async Task Manifest_Head_IsForwardedAsHeadAndAnsweredWithHeadersOnly()
    {
        var locator = Holding(App, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);
        using var request = new HttpRequestMessage(HttpMethod.Head, "/v2/library/app/manifests/v1?ns=docker.io");

        using var response = await front.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContentHeaders(response, App.Target, TestMediaTypes.OciManifest);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Token));
        var seen = Assert.Single(_fixture.HealthyA.Requests);
        Assert.Equal(("HEAD", $"/v2/library/app/manifests/{App.Target.Digest}?ns=docker.io"), (seen.Method, seen.PathAndQuery));
    }

    [Fact]
    public async Task Blob_FromHealthyPeer_IsByteIdenticalWithBlobHeaders()
    {
        var locator = Holding(App, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);

        foreach (var blob in App.Blobs)
        {
            using var response = await front.Client.GetAsync(BlobPath(blob), Token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertContentHeaders(response, blob, "application/octet-stream");
            Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
            Assert.Equal(blob.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        }
    }

    [Fact]
    public async Task Blob_Head_IsForwardedAsHead()
    {
        var blob = _fixture.LargestLayer;
        var locator = Holding(App, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);
        using var request = new HttpRequestMessage(HttpMethod.Head, BlobPath(blob));

        using var response = await front.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContentHeaders(response, blob, "application/octet-stream");
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal("HEAD", Assert.Single(_fixture.HealthyA.Requests).Method);
    }

    [Theory]
    [InlineData("bytes=100-199", 100, 100)]
    [InlineData("bytes=900000-", 900_000, -1)]
    public async Task Blob_Range_IsForwardedAndAnswered206WithExactBytes(string range, int start, int length)
    {
        var blob = _fixture.LargestLayer;
        var count = length < 0 ? (int)blob.Size - start : length;
        var locator = Holding(App, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);
        using var request = new HttpRequestMessage(HttpMethod.Get, BlobPath(blob));
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await front.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {start}-{start + count - 1}/{blob.Size}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(count, response.Content.Headers.ContentLength);
        Assert.Equal(blob.Bytes.AsSpan(start, count).ToArray(), await response.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(range, Assert.Single(_fixture.HealthyA.Requests).Range);
    }

    [Theory]
    [InlineData("/v2/library/app/manifests/v1?ns=docker.io", "MANIFEST_UNKNOWN", "no node in the cluster has docker.io/library/app:v1")]
    [InlineData("/v2/library/app/manifests/sha256:1111111111111111111111111111111111111111111111111111111111111111", "MANIFEST_UNKNOWN",
        "no node in the cluster holds sha256:1111111111111111111111111111111111111111111111111111111111111111")]
    [InlineData("/v2/library/app/blobs/sha256:1111111111111111111111111111111111111111111111111111111111111111", "BLOB_UNKNOWN",
        "no node in the cluster holds sha256:1111111111111111111111111111111111111111111111111111111111111111")]
    public async Task NoHolders_AnswersNotFoundFastWithReason(string path, string code, string detail)
    {
        await using var front = await MirrorFront.StartAsync(new FakeContentLocator());
        var clock = Stopwatch.StartNew();

        using var response = await front.Client.GetAsync(path, Token);

        Assert.True(clock.Elapsed < FastMiss, $"took {clock.Elapsed}");
        Assert.Equal(detail, await AssertNotFoundAsync(response, code));
    }

    [Fact]
    public async Task LocatorFailure_AnswersNotFoundWithReasonAndLogsWarning()
    {
        var locator = new FakeContentLocator { Failure = new InvalidOperationException("index unreachable") };
        await using var front = await MirrorFront.StartAsync(locator);
        var clock = Stopwatch.StartNew();

        using var response = await front.Client.GetAsync(BlobPath(_fixture.LargestLayer), Token);

        Assert.True(clock.Elapsed < FastMiss, $"took {clock.Elapsed}");
        Assert.Contains("index unreachable", await AssertNotFoundAsync(response, "BLOB_UNKNOWN"), StringComparison.Ordinal);
        Assert.Single(front.Logger.Entries, entry => entry is { Level: LogLevel.Warning, EventId.Name: "LookupFailed" });
    }

    [Fact]
    public async Task Manifest_HolderAnswering500ThenHealthy_IsServedAndCounted()
    {
        await using var failing = await ScriptedPeer.StartAsync("node-500", App.Blobs, PeerScripts.Status(500));
        var locator = Holding(App, failing.Holder, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);
        using var metrics = new MetricRecorder(front.MeterFactory);

        using var response = await front.Client.GetAsync("/v2/library/app/manifests/v1?ns=docker.io", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(App.Target.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        Assert.Single(failing.Requests);
        Assert.Equal(["manifest/status", "manifest/ok"], metrics.PeerRequests);
        Assert.Equal(App.Target.Size, metrics.RelayedBytes);
        Assert.Contains(front.Logger.Entries, entry => entry is { Level: LogLevel.Warning, EventId.Name: "PeerFailed" });
    }

    [Fact]
    public async Task Blob_HangingHolderThenHealthy_IsServedWithinPeerTimeout()
    {
        var blob = _fixture.LargestLayer;
        await using var hanging = await ScriptedPeer.StartAsync("node-hang", App.Blobs, PeerScripts.Hang);
        var locator = Holding(App, hanging.Holder, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);
        var clock = Stopwatch.StartNew();

        using var response = await front.Client.GetAsync(BlobPath(blob), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(blob.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        Assert.True(clock.Elapsed < MirrorFront.PeerTimeout + Margin, $"took {clock.Elapsed}");
        Assert.Single(hanging.Requests);
    }

    [Fact]
    public async Task Manifest_AllHoldersHang_NotFoundWhenTheBudgetRunsOut()
    {
        var budget = TimeSpan.FromMilliseconds(500);
        await using var first = await ScriptedPeer.StartAsync("node-a", App.Blobs, PeerScripts.Hang);
        await using var second = await ScriptedPeer.StartAsync("node-b", App.Blobs, PeerScripts.Hang);
        await using var third = await ScriptedPeer.StartAsync("node-c", App.Blobs, PeerScripts.Hang);
        var locator = Holding(App, first.Holder, second.Holder, third.Holder);
        await using var front = await MirrorFront.StartAsync(locator, options => options.ManifestBudget = budget);
        var clock = Stopwatch.StartNew();

        using var response = await front.Client.GetAsync("/v2/library/app/manifests/v1?ns=docker.io", Token);

        Assert.True(clock.Elapsed < budget + Margin, $"took {clock.Elapsed}");
        var detail = await AssertNotFoundAsync(response, "MANIFEST_UNKNOWN");
        Assert.StartsWith("2 holders tried: node-a timed out, node-b cut off by the request's budget", detail, StringComparison.Ordinal);
        Assert.EndsWith("the budget of 0.5 s ran out", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blob_AllHoldersHang_NotFoundAfterOnePeerTimeoutEach()
    {
        await using var first = await ScriptedPeer.StartAsync("node-a", App.Blobs, PeerScripts.Hang);
        await using var second = await ScriptedPeer.StartAsync("node-b", App.Blobs, PeerScripts.Hang);
        var locator = Holding(App, first.Holder, second.Holder);
        await using var front = await MirrorFront.StartAsync(locator);
        var clock = Stopwatch.StartNew();

        using var response = await front.Client.GetAsync(BlobPath(_fixture.LargestLayer), Token);

        Assert.True(clock.Elapsed < (2 * MirrorFront.PeerTimeout) + Margin, $"took {clock.Elapsed}");
        Assert.Equal("2 holders tried: node-a timed out, node-b timed out", await AssertNotFoundAsync(response, "BLOB_UNKNOWN"));
    }

    [Fact]
    public async Task Blob_RefusedHolderThenHealthy_IsServed()
    {
        var blob = _fixture.LargestLayer;
        var refused = new PeerHolder("node-refused", new Uri($"http://127.0.0.1:{FreePort.Next()}"));
        var locator = Holding(App, refused, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);

        using var response = await front.Client.GetAsync(BlobPath(blob), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(blob.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task EveryHolderFailing_ReasonNamesEachHolderAndWhy()
    {
        await using var hanging = await ScriptedPeer.StartAsync("node-a", App.Blobs, PeerScripts.Hang);
        await using var lacking = await ScriptedPeer.StartAsync("node-b", [], PeerScripts.Hang);
        var refused = new PeerHolder("node-c", new Uri($"http://127.0.0.1:{FreePort.Next()}"));
        var locator = Holding(App, hanging.Holder, lacking.Holder, refused);
        await using var front = await MirrorFront.StartAsync(locator);

        using var response = await front.Client.GetAsync($"/v2/library/app/manifests/{App.Target.Digest}", Token);

        Assert.Equal("3 holders tried: node-a timed out, node-b 404, node-c refused", await AssertNotFoundAsync(response, "MANIFEST_UNKNOWN"));
    }

    [Fact]
    public async Task Blob_MaxHoldersTried_BoundsTheHoldersAsked()
    {
        await using var first = await ScriptedPeer.StartAsync("node-a", App.Blobs, PeerScripts.Status(500));
        await using var second = await ScriptedPeer.StartAsync("node-b", App.Blobs, PeerScripts.Status(503));
        var locator = Holding(App, first.Holder, second.Holder, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator, options => options.MaxHoldersTried = 2);

        using var response = await front.Client.GetAsync(BlobPath(_fixture.LargestLayer), Token);

        Assert.Equal("2 holders tried: node-a 500, node-b 503", await AssertNotFoundAsync(response, "BLOB_UNKNOWN"));
        Assert.Empty(_fixture.HealthyA.Requests);
    }

    [Theory]
    [InlineData("abort")]
    [InlineData("short")]
    [InlineData("stall")]
    public async Task Blob_HolderFailingMidStream_ResumesFromNextHolderIntoTheSameResponse(string failure)
    {
        var blob = _fixture.LargestLayer;
        var script = failure switch
        {
            "abort" => PeerScripts.AbortAfter(300_000),
            "short" => PeerScripts.ShortBody(1000),
            _ => PeerScripts.StallAfter(300_000),
        };
        await using var failing = await ScriptedPeer.StartAsync("node-failing", App.Blobs, script);
        var locator = Holding(App, failing.Holder, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);

        using var response = await front.Client.GetAsync(BlobPath(blob), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(blob.Size, response.Content.Headers.ContentLength);
        Assert.Equal(blob.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        var resumedAt = ResumeOffset(Assert.Single(_fixture.HealthyA.Requests));
        Assert.InRange(resumedAt, 1, blob.Size - 1);
        Assert.Contains(front.Logger.Entries, entry => entry is { Level: LogLevel.Warning, EventId.Name: "PeerFailed" });
    }

    [Fact]
    public async Task Blob_ClientPausingLongerThanTheStallTimeout_IsServedWholeByTheSameHolder()
    {
        var image = TestImageBuilder.Oci("docker.io/library/app:large", 204, 16_000_000);
        var blob = image.Blobs[^1];
        await using var healthy = await ScriptedPeer.StartAsync("node-a", image.Blobs, PeerScripts.Whole);
        var locator = Holding(image, healthy.Holder);
        await using var front = await MirrorFront.StartAsync(locator);
        using var client = SmallWindowClient(front.Client.BaseAddress!);

        using var response = await client.GetAsync(BlobPath(blob), HttpCompletionOption.ResponseHeadersRead, Token);
        await using var body = await response.Content.ReadAsStreamAsync(Token);
        var received = new byte[blob.Size];
        await body.ReadExactlyAsync(received.AsMemory(0, 64 * 1024), Token);
        await Task.Delay(MirrorFront.StallTimeout * 4, Token);
        await body.ReadExactlyAsync(received.AsMemory(64 * 1024), Token);

        Assert.Equal(blob.Bytes, received);
        Assert.Equal(0, await body.ReadAsync(new byte[1], Token));
        Assert.Single(healthy.Requests);
        Assert.DoesNotContain(front.Logger.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Blob_ResumingHolderAnsweringAnotherRange_IsSkippedForTheNext()
    {
        var blob = _fixture.LargestLayer;
        await using var failing = await ScriptedPeer.StartAsync("node-a", App.Blobs, PeerScripts.AbortAfter(300_000));
        await using var wrongRange = await ScriptedPeer.StartAsync("node-b", App.Blobs, PeerScripts.WrongRange);
        var locator = Holding(App, failing.Holder, wrongRange.Holder, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);

        using var response = await front.Client.GetAsync(BlobPath(blob), Token);

        Assert.Equal(blob.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        var asked = Assert.Single(wrongRange.Requests).Range;
        Assert.Equal(asked, Assert.Single(_fixture.HealthyA.Requests).Range);
    }

    [Fact]
    public async Task Blob_HolderFailingMidStreamWithNoOtherHolder_ClientSeesAnAbortedBody()
    {
        var blob = _fixture.LargestLayer;
        await using var failing = await ScriptedPeer.StartAsync("node-failing", App.Blobs, PeerScripts.AbortAfter(300_000));
        var locator = Holding(App, failing.Holder);
        await using var front = await MirrorFront.StartAsync(locator);

        using var response = await front.Client.GetAsync(BlobPath(blob), HttpCompletionOption.ResponseHeadersRead, Token);
        var (received, error) = await ReadBodyAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(error);
        Assert.InRange(received.Length, 0, blob.Size - 1);
        Assert.Equal(blob.Bytes.AsSpan(0, received.Length).ToArray(), received);
        Assert.Contains(front.Logger.Entries, entry => entry is { Level: LogLevel.Warning, EventId.Name: "BodyAborted" });
    }

    [Fact]
    public async Task Blob_CorruptBytes_AbortedBeforeTheLastBytesAndHolderReported()
    {
        var blob = _fixture.LargestLayer;
        await using var corrupt = await ScriptedPeer.StartAsync("node-corrupt", App.Blobs, PeerScripts.Corrupt);
        var locator = Holding(App, corrupt.Holder, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);

        using var response = await front.Client.GetAsync(BlobPath(blob), HttpCompletionOption.ResponseHeadersRead, Token);
        var (received, error) = await ReadBodyAsync(response);

        Assert.NotNull(error);
        Assert.True(received.Length < blob.Size, $"received {received.Length} of {blob.Size} bytes");
        Assert.Equal((Digest.Parse(blob.Digest), corrupt.Holder), Assert.Single(locator.CorruptReports));
        Assert.Empty(_fixture.HealthyA.Requests);
        Assert.Contains(front.Logger.Entries, entry => entry is { Level: LogLevel.Warning, EventId.Name: "DigestMismatch" });
    }

    [Fact]
    public async Task Blob_SmallCorruptBlobThenHealthy_IsServedFromTheHealthyHolder()
    {
        var config = App.Blobs.Single(blob => blob.MediaType == TestMediaTypes.OciConfig);
        await using var corrupt = await ScriptedPeer.StartAsync("node-corrupt", App.Blobs, PeerScripts.Corrupt);
        var locator = Holding(App, corrupt.Holder, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);

        using var response = await front.Client.GetAsync(BlobPath(config), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(config.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(corrupt.Holder, Assert.Single(locator.CorruptReports).Holder);
    }

    [Fact]
    public async Task Manifest_CorruptHolderThenHealthy_ServesTheRightBytes()
    {
        await using var corrupt = await ScriptedPeer.StartAsync("node-corrupt", App.Blobs, PeerScripts.Corrupt);
        var locator = Holding(App, corrupt.Holder, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);

        using var response = await front.Client.GetAsync("/v2/library/app/manifests/v1?ns=docker.io", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(App.Target.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(corrupt.Holder, Assert.Single(locator.CorruptReports).Holder);
    }

    [Fact]
    public async Task Manifest_OnlyCorruptHolders_NotFoundAndNeverTheWrongBytes()
    {
        await using var corrupt = await ScriptedPeer.StartAsync("node-corrupt", App.Blobs, PeerScripts.Corrupt);
        var locator = Holding(App, corrupt.Holder);
        await using var front = await MirrorFront.StartAsync(locator);

        using var response = await front.Client.GetAsync($"/v2/library/app/manifests/{App.Target.Digest}", Token);

        Assert.Equal("1 holder tried: node-corrupt sent bytes that do not match the digest", await AssertNotFoundAsync(response, "MANIFEST_UNKNOWN"));
        Assert.Single(locator.CorruptReports);
    }

    [Fact]
    public async Task Manifest_HolderAnnouncingAnotherSizeThanTheTag_IsSkipped()
    {
        await using var wrong = await ScriptedPeer.StartAsync("node-wrong", App.Blobs, PeerScripts.WrongLength);
        var locator = Holding(App, wrong.Holder, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);

        using var response = await front.Client.GetAsync("/v2/library/app/manifests/v1?ns=docker.io", Token);

        Assert.Equal(App.Target.Bytes, await response.Content.ReadAsByteArrayAsync(Token));
        Assert.Empty(locator.CorruptReports);
    }

    [Fact]
    public async Task PeerMarkedRequest_OnTheFrontNode_IsNotForwarded()
    {
        var locator = Holding(App, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator);
        using var request = new HttpRequestMessage(HttpMethod.Get, BlobPath(_fixture.LargestLayer));
        request.Headers.TryAddWithoutValidation("X-Spegel-Peer", "1");

        using var response = await front.Client.SendAsync(request, Token);

        Assert.Contains("peer requests are not forwarded", await AssertNotFoundAsync(response, "BLOB_UNKNOWN"), StringComparison.Ordinal);
        Assert.Equal(0, locator.Lookups);
        Assert.Empty(_fixture.HealthyA.Requests);
    }

    [Fact]
    public async Task RegistryNotMirrored_AnswersNotFoundFastWithoutLookup()
    {
        var locator = Holding(App, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator, options => options.MirroredRegistries = ["ghcr.io"]);
        var clock = Stopwatch.StartNew();

        using var response = await front.Client.GetAsync("/v2/library/app/manifests/v1?ns=docker.io", Token);

        Assert.True(clock.Elapsed < FastMiss, $"took {clock.Elapsed}");
        Assert.Equal("registry docker.io is not mirrored through the cluster", await AssertNotFoundAsync(response, "MANIFEST_UNKNOWN"));
        Assert.Equal(0, locator.Lookups);
    }

    [Fact]
    public async Task RegistryFilter_ExcludesMatchingTagButNotDigest()
    {
        var locator = Holding(App, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator, options => options.RegistryFilters = [":v1$"]);
        var clock = Stopwatch.StartNew();

        using var byTag = await front.Client.GetAsync("/v2/library/app/manifests/v1?ns=docker.io", Token);
        var tagElapsed = clock.Elapsed;
        using var byDigest = await front.Client.GetAsync($"/v2/library/app/manifests/{App.Target.Digest}?ns=docker.io", Token);

        Assert.True(tagElapsed < FastMiss, $"took {tagElapsed}");
        Assert.Equal("docker.io/library/app:v1 is excluded by filter ':v1$'", await AssertNotFoundAsync(byTag, "MANIFEST_UNKNOWN"));
        Assert.Equal(HttpStatusCode.OK, byDigest.StatusCode);
        Assert.Equal(1, locator.Lookups);
    }

    [Fact]
    public async Task ResolveTagsOff_TagIsNotLookedUp()
    {
        var locator = Holding(App, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator, options => options.ResolveTags = false);

        using var response = await front.Client.GetAsync("/v2/library/app/manifests/v1?ns=docker.io", Token);

        Assert.Equal("tags are not resolved through the cluster", await AssertNotFoundAsync(response, "MANIFEST_UNKNOWN"));
        Assert.Equal(0, locator.Lookups);
    }

    [Fact]
    public async Task FailedHolder_IsSkippedWithinTheBackoffAndTriedAgainAfterIt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var backoff = TimeSpan.FromSeconds(30);
        var blob = App.Blobs.Single(b => b.MediaType == TestMediaTypes.OciConfig);
        await using var failing = await ScriptedPeer.StartAsync("node-500", App.Blobs, PeerScripts.Status(500));
        var locator = Holding(App, failing.Holder, _fixture.HealthyA.Holder);
        await using var front = await MirrorFront.StartAsync(locator, options => options.FailedHolderBackoff = backoff, time);

        using var first = await front.Client.GetAsync(BlobPath(blob), Token);
        using var withinBackoff = await front.Client.GetAsync(BlobPath(blob), Token);
        var askedWithinBackoff = failing.Requests.Count;
        time.Advance(backoff + TimeSpan.FromSeconds(1));
        using var afterBackoff = await front.Client.GetAsync(BlobPath(blob), Token);

        Assert.All([first, withinBackoff, afterBackoff], response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(1, askedWithinBackoff);
        Assert.Equal(2, failing.Requests.Count);
    }

    private static FakeContentLocator Holding(TestImage image, params PeerHolder[] holders)
    {
        var locator = new FakeContentLocator();
        locator.Hold(image, holders);
        return locator;
    }

    /// <summary>A client with a small fixed receive window, so that a pause in its reading soon holds the sender.</summary>
    private static HttpClient SmallWindowClient(Uri baseAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024 };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    private static string BlobPath(TestBlob blob) => $"/v2/library/app/blobs/{blob.Digest}?ns=docker.io";

    private static long ResumeOffset(SeenRequest request)
    {
        var match = ResumeRangePattern().Match(request.Range ?? "");
        Assert.True(match.Success, $"expected an open-ended range, got '{request.Range}'");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^bytes=([0-9]+)-$")]
    private static partial Regex ResumeRangePattern();

    private static void AssertContentHeaders(HttpResponseMessage response, TestBlob blob, string contentType)
    {
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(blob.Size, response.Content.Headers.ContentLength);
        Assert.Equal(blob.Digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal($"\"{blob.Digest}\"", response.Headers.ETag!.Tag);
        Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-API-Version").Single());
    }

    /// <summary>Asserts a 404 OCI error with <paramref name="code"/> and returns its detail.</summary>
    private static async Task<string> AssertNotFoundAsync(HttpResponseMessage response, string code)
    {
        var body = await response.Content.ReadAsByteArrayAsync(Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var document = JsonDocument.Parse(body);
        var error = document.RootElement.GetProperty("errors")[0];
        Assert.Equal(code, error.GetProperty("code").GetString());
        return error.GetProperty("detail").GetString()!;
    }

    /// <summary>Reads a body to its end or to its failure: what arrived, and the error if it did not end cleanly.</summary>
    private static async Task<(byte[] Received, Exception? Error)> ReadBodyAsync(HttpResponseMessage response)
    {
        using var received = new MemoryStream();
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(Token);
            await body.CopyToAsync(received, Token);
            return (received.ToArray(), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return (received.ToArray(), ex);
        }
    }
}
