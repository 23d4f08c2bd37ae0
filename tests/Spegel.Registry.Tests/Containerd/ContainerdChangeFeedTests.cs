using System.Diagnostics;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;
using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Stores;

namespace Spegel.Registry.Tests.Containerd;

/// <summary>The containerd store's change feed against a private containerd.</summary>
public sealed class ContainerdChangeFeedTests(ContainerdDaemon daemon) : IClassFixture<ContainerdDaemon>, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private static readonly string[] TwoPlatforms = ["linux/amd64", "linux/arm64"];
    private readonly ContainerdStoreHarness _harness = new(daemon);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Watch_ImageImported_ReportsItsTagAndEveryDigestPromptly()
    {
        var (containerdNamespace, recorder) = await FollowNewNamespaceAsync();
        await using var _ = recorder;
        var image = TestImageBuilder.MultiArch("docker.io/feed/imported:v1", 3001, TwoPlatforms, 100, 200);

        await _harness.ImportAsync(containerdNamespace, [new StoredImage(image)]);
        var clock = Stopwatch.StartNew();
        var change = await recorder.WaitForAsync(c => c.Kind == StoreChangeKind.Added && c.Tags.Contains(NameOf(image)), Deadline, Cancellation);
        var waited = clock.Elapsed;

        Assert.Equal(Digests(image.Blobs), change.Digests.Select(d => d.Digest.Value).Order());
        Assert.Contains(change.Digests, d => d.Digest.Value == image.Target.Digest && d.MediaType == TestMediaTypes.OciIndex);
        Assert.True(waited < TimeSpan.FromSeconds(1), $"The change arrived {waited} after the import.");
    }

    [Fact]
    public async Task Watch_ImageRemovedWithSync_ReportsItsTagAndTheContentItReleased()
    {
        var (containerdNamespace, recorder) = await FollowNewNamespaceAsync();
        await using var _ = recorder;
        var image = TestImageBuilder.Oci("docker.io/feed/removed:v1", 3002, 100, 200);
        await ImportAndWaitAsync(containerdNamespace, recorder, image);

        await daemon.CtrAsync(containerdNamespace, "images", "rm", "--sync", image.Name);
        var change = await recorder.WaitForAsync(c => c.Kind == StoreChangeKind.Removed && c.Tags.Contains(NameOf(image)), Deadline, Cancellation);

        Assert.Equal(Digests(image.Blobs), change.Digests.Select(d => d.Digest.Value).Order());
    }

    [Fact]
    public async Task Watch_ImageRemovedWhileAnotherNameHoldsItsContent_ReportsOnlyTheTag()
    {
        var (containerdNamespace, recorder) = await FollowNewNamespaceAsync();
        await using var _ = recorder;
        var image = TestImageBuilder.Oci("docker.io/feed/shared:v1", 3003, 100);
        await ImportAndWaitAsync(containerdNamespace, recorder, image);
        await daemon.CtrAsync(containerdNamespace, "images", "tag", image.Name, "docker.io/feed/shared:v2");

        await daemon.CtrAsync(containerdNamespace, "images", "rm", "--sync", image.Name);
        var change = await recorder.WaitForAsync(c => c.Kind == StoreChangeKind.Removed && c.Tags.Contains(NameOf(image)), Deadline, Cancellation);

        Assert.Empty(change.Digests);
    }

    [Fact]
    public async Task Watch_ContentRemoved_ReportsTheDigest()
    {
        var (containerdNamespace, recorder) = await FollowNewNamespaceAsync();
        await using var _ = recorder;
        var image = TestImageBuilder.Oci("docker.io/feed/content:v1", 3004, 100);
        await ImportAndWaitAsync(containerdNamespace, recorder, image);
        var layer = image.Blobs[^1];

        await daemon.CtrAsync(containerdNamespace, "content", "rm", layer.Digest);
        var change = await recorder.WaitForAsync(c => c.Kind == StoreChangeKind.Removed && c.Digests.Any(d => d.Digest.Value == layer.Digest), Deadline, Cancellation);

        Assert.Equal(new ContentDescriptor(Digest.Parse(layer.Digest), layer.Size, layer.MediaType), Assert.Single(change.Digests));
        Assert.Empty(change.Tags);
    }

    public void Dispose() => _harness.Dispose();

    private async Task<(string Namespace, ChangeFeedRecorder Recorder)> FollowNewNamespaceAsync()
    {
        var containerdNamespace = ContainerdStoreHarness.NewNamespace();
        var recorder = new ChangeFeedRecorder(_harness.CreateStore(_harness.Options(containerdNamespace)));
        await ChangeFeedProbe.EnsureFollowingAsync(daemon, _harness, containerdNamespace, recorder, Cancellation);
        return (containerdNamespace, recorder);
    }

    private async Task ImportAndWaitAsync(string containerdNamespace, ChangeFeedRecorder recorder, TestImage image)
    {
        await _harness.ImportAsync(containerdNamespace, [new StoredImage(image)]);
        await recorder.WaitForAsync(c => c.Kind == StoreChangeKind.Added && c.Tags.Contains(NameOf(image)), Deadline, Cancellation);
    }

    private static ImageName NameOf(TestImage image) => new(image.Registry, image.Repository, image.Tag);

    private static IEnumerable<string> Digests(IEnumerable<TestBlob> blobs) => blobs.Select(b => b.Digest).Order();
}
