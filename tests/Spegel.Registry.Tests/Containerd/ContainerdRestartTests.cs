using Spegel.Registry.Content;
using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Stores;

namespace Spegel.Registry.Tests.Containerd;

/// <summary>The containerd store across a daemon restart; a class of its own because it restarts its daemon.</summary>
public sealed class ContainerdRestartTests(ContainerdDaemon daemon) : IClassFixture<ContainerdDaemon>, IDisposable
{
    private readonly ContainerdStoreHarness _harness = new(daemon);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Watch_DaemonRestarted_YieldsResetAndAFreshInventoryIsComplete()
    {
        var containerdNamespace = ContainerdStoreHarness.NewNamespace();
        var store = _harness.CreateStore(_harness.Options(containerdNamespace));
        await using var recorder = new ChangeFeedRecorder(store);
        await ChangeFeedProbe.EnsureFollowingAsync(daemon, _harness, containerdNamespace, recorder, Cancellation);
        var image = TestImageBuilder.MultiArch("docker.io/restart/app:v1", 4001, ["linux/amd64", "linux/arm64"], 100);
        await _harness.ImportAsync(containerdNamespace, [new StoredImage(image)]);

        await daemon.RestartAsync(Cancellation);
        var reset = await recorder.WaitForAsync(c => c.Kind == StoreChangeKind.Reset, TimeSpan.FromSeconds(15), Cancellation);
        var records = new List<ImageRecord>();
        await foreach (var record in store.ListImagesAsync(Cancellation))
        {
            records.Add(record);
        }

        Assert.Same(StoreChange.Reset, reset);
        var listed = Assert.Single(records, r => r.Name?.ToString() == image.Name);
        Assert.Equal(image.Blobs.Select(b => b.Digest).Order(), listed.Contents.Select(c => c.Digest.Value).Order());
    }

    [Fact]
    public async Task Lookups_DaemonBackAfterRestart_AnswerAgain()
    {
        var containerdNamespace = ContainerdStoreHarness.NewNamespace();
        var image = TestImageBuilder.Oci("docker.io/restart/lookup:v1", 4002, 100);
        await _harness.ImportAsync(containerdNamespace, [new StoredImage(image)]);
        var store = _harness.CreateStore(_harness.Options(containerdNamespace));
        var digest = Spegel.Registry.Distribution.Digest.Parse(image.Target.Digest);
        Assert.NotNull(await store.StatAsync(digest, Cancellation));

        await daemon.RestartAsync(Cancellation);
        var found = await store.StatAsync(digest, Cancellation);

        Assert.NotNull(found);
    }

    public void Dispose() => _harness.Dispose();
}
