using System.Globalization;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;
using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Stores;

namespace Spegel.Registry.Tests.Containerd;

/// <summary>
/// Makes sure a feed is subscribed before a test acts: the feed has no "subscribed" signal, so this tags an image
/// under fresh names until the feed reports one.
/// </summary>
internal static class ChangeFeedProbe
{
    private static readonly TimeSpan PerAttempt = TimeSpan.FromMilliseconds(500);
    private const int Attempts = 20;

    public static async Task EnsureFollowingAsync(ContainerdDaemon daemon, ContainerdStoreHarness harness, string containerdNamespace, ChangeFeedRecorder recorder, CancellationToken cancellationToken)
    {
        var baseImage = TestImageBuilder.Oci("docker.io/feed/base:v1", 9999, 10);
        await harness.ImportAsync(containerdNamespace, [new StoredImage(baseImage)]);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var probe = new ImageName("docker.io", "feed/probe", attempt.ToString(CultureInfo.InvariantCulture));
            await daemon.CtrAsync(containerdNamespace, "images", "tag", baseImage.Name, probe.ToString());
            if (!await recorder.StaysQuietAsync(c => c.Kind == StoreChangeKind.Added && c.Tags.Contains(probe), PerAttempt, cancellationToken))
            {
                return;
            }
        }

        throw new TimeoutException($"The change feed did not report a new image within {Attempts} attempts.");
    }
}
