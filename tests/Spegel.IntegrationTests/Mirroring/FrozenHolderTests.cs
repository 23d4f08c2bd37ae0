using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Spegel.IntegrationTests.Cluster;
using Spegel.Registry.Mirroring;
using Spegel.TestSupport.Images;

namespace Spegel.IntegrationTests.Mirroring;

/// <summary>
/// A holder that accepts connections but never answers: its spegel is frozen with SIGSTOP (the kernel still completes
/// TCP handshakes for it). Node D, with a peer timeout of <see cref="ContainerdPeerCluster.ShortPeerTimeout"/>, must
/// pass it over within that timeout. D's cluster lookups must not depend on the frozen silo, since a grain hosted there
/// does not answer either; the test therefore freezes a holder that does not host the digest's grain.
/// </summary>
[Collection(ContainerdPeerCluster.Collection)]
public sealed class FrozenHolderTests(ContainerdPeerCluster cluster)
{
    /// <summary>Slack on top of a configured timeout for scheduling on a busy two-core machine.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1.5);

    /// <summary>How long a cluster lookup may take before the endpoint answers 404 (GrainContentLocator.LookupTimeout).</summary>
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Each request is another random holder order, so that a few suffice to meet the frozen holder first.</summary>
    private const int MaxRequests = 16;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task BlobGet_HolderThatAcceptsButNeverAnswers_IsPassedOverForTheNextWithinThePeerTimeout()
    {
        var image = TestImageBuilder.Oci($"{ContainerdPeerCluster.Registry}/library/frozen-one-of-two:v1", 631, 300_000);
        var layer = image.Blobs[^1];
        await ContainerdPeerNode.ImportAsync(image, [cluster.A, cluster.C]);
        await cluster.WaitUntilAdvertisedAsync(image, cluster.A, cluster.C);
        await WarmUpAsync(image, layer);

        // Earlier tests kill and freeze these nodes; a holder that failed within D's backoff window is tried last,
        // and then never first. Let that memory lapse so that every request's order is random again.
        await Task.Delay(new MirrorOptions().FailedHolderBackoff + TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        var (frozen, freeze) = await FreezeAHolderNotHostingTheLookupAsync(layer, cluster.A, cluster.C);
        var logBefore = cluster.D.Process.Output.Length;
        var timedOut = new Regex($@"Holder {frozen.Name} \([^)]*\) timed out[^\n]* for {layer.Digest}");
        var outcomes = new List<(HttpStatusCode Status, TimeSpan Elapsed, bool Verified)>();
        var metFrozen = false;
        try
        {
            for (var i = 0; i < MaxRequests && !metFrozen; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await Http.GetAsync(ContainerdPeerCluster.BlobUri(cluster.D, image, layer), TestContext.Current.CancellationToken);
                var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
                outcomes.Add((response.StatusCode, clock.Elapsed, Convert.ToHexStringLower(SHA256.HashData(bytes)) == layer.Hex));
                metFrozen = timedOut.IsMatch(cluster.D.Process.Output[logBefore..]);
            }
        }
        finally
        {
            freeze.Dispose();
        }

        var described = string.Join(", ", outcomes.Select(o => $"{(int)o.Status} {o.Elapsed.TotalMilliseconds:F0} ms"));
        Assert.True(metFrozen, $"no request of {outcomes.Count} tried the frozen {frozen.Name} first: {described}");
        Assert.All(outcomes, outcome =>
        {
            Assert.Equal(HttpStatusCode.OK, outcome.Status);
            Assert.True(outcome.Verified, "the body does not match the digest");
            Assert.True(outcome.Elapsed < ContainerdPeerCluster.ShortPeerTimeout + Margin, $"answered after {outcome.Elapsed}: {described}");
        });
        Assert.True(outcomes[^1].Elapsed >= ContainerdPeerCluster.ShortPeerTimeout, $"the request that met the frozen holder did not wait for it: {described}");
    }

    [Fact]
    public async Task BlobAndManifest_OnlyHolderAcceptsButNeverAnswers_Answer404WithinTheBudget()
    {
        var image = TestImageBuilder.Oci($"{ContainerdPeerCluster.Registry}/library/frozen-only:v1", 632, 200_000);
        var layer = image.Blobs[^1];
        await cluster.A.ImportAsync(image);
        await cluster.WaitUntilAdvertisedAsync(image, cluster.A);
        await WarmUpAsync(image, layer);
        var bound = LookupTimeout + ContainerdPeerCluster.ShortPeerTimeout + Margin;

        var freeze = cluster.A.Process.Freeze();
        (HttpStatusCode Status, TimeSpan Elapsed, string? Code) blob, manifest;
        try
        {
            blob = await SendAsync(HttpMethod.Get, ContainerdPeerCluster.BlobUri(cluster.D, image, layer));
            manifest = await SendAsync(HttpMethod.Get, ContainerdPeerCluster.ManifestUri(cluster.D, image, image.Tag));
        }
        finally
        {
            freeze.Dispose();
        }

        Assert.Equal((HttpStatusCode.NotFound, "BLOB_UNKNOWN"), (blob.Status, blob.Code));
        Assert.Equal((HttpStatusCode.NotFound, "MANIFEST_UNKNOWN"), (manifest.Status, manifest.Code));
        Assert.True(blob.Elapsed < bound, $"the blob's 404 came after {blob.Elapsed}");
        Assert.True(manifest.Elapsed < bound, $"the manifest's 404 came after {manifest.Elapsed}");
    }

    /// <summary>
    /// Makes D (and both holders) serve this content once, so that no first-request cost is mistaken for a hang,
    /// and D's view of the cluster has located the digest's grain.
    /// </summary>
    private async Task WarmUpAsync(TestImage image, TestBlob layer) => await RedisClusterNodes.WaitForAsync(async () =>
    {
        using var response = await Http.GetAsync(ContainerdPeerCluster.BlobUri(cluster.D, image, layer));
        return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsByteArrayAsync()).Length == layer.Size;
    }, TimeSpan.FromSeconds(30), $"node D to serve {layer.Digest}");

    /// <summary>
    /// Freezes one of <paramref name="candidates"/> whose freezing leaves D's lookup of <paramref name="layer"/>
    /// answering (the digest grain lives on one silo at most, so one candidate always qualifies).
    /// </summary>
    private async Task<(ContainerdPeerNode Frozen, IDisposable Freeze)> FreezeAHolderNotHostingTheLookupAsync(TestBlob layer, params ContainerdPeerNode[] candidates)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        foreach (var candidate in candidates)
        {
            var freeze = candidate.Process.Freeze();
            try
            {
                using var response = await probe.GetAsync(new Uri(cluster.D.Process.OpsAddress, $"/debug/holders/{layer.Digest}"));
                if (response.IsSuccessStatusCode)
                {
                    return (candidate, freeze);
                }
            }
            catch (TaskCanceledException)
            {
                // The lookup waits for the frozen silo: the grain lives there.
            }

            freeze.Dispose();
        }

        throw new InvalidOperationException($"Every candidate holder of {layer.Digest} hosts D's lookup of it.");
    }

    private static async Task<(HttpStatusCode Status, TimeSpan Elapsed, string? Code)> SendAsync(HttpMethod method, Uri uri)
    {
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(method, uri);
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var elapsed = clock.Elapsed;
        string? code = null;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            using var json = JsonDocument.Parse(body);
            code = json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString();
        }

        return (response.StatusCode, elapsed, code);
    }
}
