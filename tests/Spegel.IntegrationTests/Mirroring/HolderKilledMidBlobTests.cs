using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Spegel.IntegrationTests.Cluster;
using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Processes;

namespace Spegel.IntegrationTests.Mirroring;

/// <summary>
/// A holder killed (SIGKILL) while node B relays a large blob from it. The kill is placed deterministically by the
/// reader: it takes the first <see cref="ReadBeforeKill"/> bytes, stops reading (backpressure then holds the holder's
/// sendfile a few socket buffers ahead), the holder is killed, and reading goes on. These are HTTP-level assertions on
/// B's endpoint, where one response must either complete with exactly the blob's bytes or break off short.
/// </summary>
[Collection(ContainerdPeerCluster.Collection)]
public sealed partial class HolderKilledMidBlobTests(ContainerdPeerCluster cluster)
{
    /// <summary>Far beyond what the socket and pipe buffers between holder, B and reader can hold (some tens of MB).</summary>
    private const int LargeLayer = 160_000_000;

    private const int ReadBeforeKill = 8 << 20;

    private static readonly TimeSpan TransferTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task BlobGet_ServingHolderKilledMidStream_CompletesFromTheOtherHolderInTheSameResponse()
    {
        var image = TestImageBuilder.Oci($"{ContainerdPeerCluster.Registry}/library/large-twice:v1", 621, LargeLayer);
        var layer = image.Blobs[^1];
        await ContainerdPeerNode.ImportAsync(image, [cluster.A, cluster.C]);
        await cluster.WaitUntilAdvertisedAsync(image, cluster.A, cluster.C);
        using var client = SlowReaderClient();
        ContainerdPeerNode? killed = null;
        try
        {
            using var response = await client.GetAsync(ContainerdPeerCluster.BlobUri(cluster.B, image, layer), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var received = await ReadAsync(body, hash, ReadBeforeKill);
            killed = ServingHolder(layer.Size) == cluster.A.Name ? cluster.A : cluster.C;
            var survivor = killed == cluster.A ? cluster.C : cluster.A;

            await killed.KillAsync();
            var broken = await Record.ExceptionAsync(async () => received += await ReadAsync(body, hash, long.MaxValue));

            Assert.True(broken is null, $"the body broke off after {received} bytes: {broken?.Message}\n{cluster.MirrorLogOfB(layer.Digest)}");
            Assert.Equal(layer.Size, response.Content.Headers.ContentLength);
            Assert.Equal(layer.Size, received);
            Assert.Equal(layer.Hex, Convert.ToHexStringLower(hash.GetHashAndReset()));
            Assert.Matches($"Asking {survivor.Name} for {layer.Digest} from byte [1-9]", cluster.OutputOfB);
        }
        finally
        {
            if (killed is not null)
            {
                await ContainerdPeerCluster.RestartAsync(killed);
            }
        }
    }

    [Fact]
    public async Task BlobGet_OnlyHolderKilledMidStream_BreaksOffShort_AndCtrPullFailsWithoutAnImage()
    {
        var image = TestImageBuilder.Oci($"{ContainerdPeerCluster.Registry}/library/large-once:v1", 622, LargeLayer);
        var layer = image.Blobs[^1];
        await cluster.A.ImportAsync(image);
        await cluster.WaitUntilAdvertisedAsync(image, cluster.A);
        using var client = SlowReaderClient();
        try
        {
            using var response = await client.GetAsync(ContainerdPeerCluster.BlobUri(cluster.B, image, layer), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var received = await ReadAsync(body, hash, ReadBeforeKill);
            using var pull = ProcessRunner.Start("ctr", ["-a", cluster.B.Daemon.SocketPath, "-n", ContainerdPeerCluster.Namespace,
                "images", "pull", "--hosts-dir", cluster.HostsDirectory, image.Name]);
            await WaitForIngestAsync(layer);
            NativeSignals.Stop(pull.Id);
            try
            {
                await cluster.A.KillAsync();
            }
            finally
            {
                NativeSignals.Continue(pull.Id);
            }

            var broken = await Record.ExceptionAsync(async () => received += await ReadAsync(body, hash, long.MaxValue));
            var pulled = await pull.WaitAsync(TimeSpan.FromMinutes(1));

            Assert.True(broken is HttpIOException or IOException, $"the body ended without an error after {received} bytes: {broken}");
            Assert.True(received < layer.Size, $"received {received} of {layer.Size} bytes");
            Assert.True(pulled.ExitCode != 0, $"ctr pull succeeded:\n{pulled.StandardOutput}");
            Assert.DoesNotContain(image.Name, await cluster.B.ImageNamesAsync());
            Assert.DoesNotContain(layer.Digest, await cluster.B.ContentAsync());
        }
        finally
        {
            await cluster.B.ForgetAsync(image);
            await ContainerdPeerCluster.RestartAsync(cluster.A);
        }
    }

    /// <summary>A client whose socket buffer is small and fixed, so that a reader that stops reading soon holds the sender.</summary>
    private static HttpClient SlowReaderClient() => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024, NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { Timeout = TransferTimeout };

    /// <summary>Reads and hashes up to <paramref name="limit"/> bytes (to the end with <see cref="long.MaxValue"/>).</summary>
    private static async Task<long> ReadAsync(Stream body, IncrementalHash hash, long limit)
    {
        var buffer = new byte[256 * 1024];
        var total = 0L;
        while (total < limit)
        {
            var read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - total)), TestContext.Current.CancellationToken);
            if (read == 0)
            {
                break;
            }

            hash.AppendData(buffer, 0, read);
            total += read;
        }

        return total;
    }

    /// <summary>The holder B relays the blob of <paramref name="length"/> bytes from, as its trace log names it.</summary>
    private string ServingHolder(long length)
    {
        var served = RelayedChunk().Matches(cluster.OutputOfB).Where(match => long.Parse(match.Groups["length"].Value, System.Globalization.CultureInfo.InvariantCulture) == length).ToList();
        Assert.NotEmpty(served);
        return served[^1].Groups["node"].Value;
    }

    /// <summary>
    /// Waits (bounded) until B's containerd has received some bytes of <paramref name="layer"/> into an ingest;
    /// <c>ctr content active</c> prints one line per ingest: reference, offset (e.g. <c>12.5MB</c>), age.
    /// </summary>
    private Task<TimeSpan> WaitForIngestAsync(TestBlob layer) => RedisClusterNodes.WaitForAsync(async () =>
    {
        var active = await cluster.B.CtrAsync("content", "active");
        return active.Split('\n').Select(line => line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries))
            .Any(fields => fields.Length >= 2 && fields[0].Contains(layer.Hex, StringComparison.Ordinal) && fields[1] != "0B");
    }, TimeSpan.FromSeconds(30), $"ctr pull to start receiving {layer.Digest}");

    [GeneratedRegex(@"Relayed \d+ bytes from (?<node>node-[a-z]): \d+ of (?<length>\d+)")]
    private static partial Regex RelayedChunk();
}
