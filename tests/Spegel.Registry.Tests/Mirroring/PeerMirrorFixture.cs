using Spegel.TestSupport.Images;

namespace Spegel.Registry.Tests.Mirroring;

/// <summary>Two healthy nodes that hold an OCI image and a Docker image, shared by the mirror's tests.</summary>
public sealed class PeerMirrorFixture : IAsyncLifetime
{
    // One layer spans several relay chunks (256 KiB), so that a body can fail, resume or be aborted in its middle.
    public TestImage App { get; } = TestImageBuilder.Oci("docker.io/library/app:v1", 201, 1_000_000, 300_000);

    public TestImage Docker { get; } = TestImageBuilder.Docker("docker.io/library/dock:v1", 202, 200_000);

    public string LayoutPath { get; } = Directory.CreateTempSubdirectory("spegel-peer-").FullName;

    public TestBlob LargestLayer => App.Blobs.MaxBy(blob => blob.Size)!;

    internal HealthyPeer HealthyA { get; private set; } = null!;

    internal HealthyPeer HealthyB { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        OciLayoutWriter.Write(LayoutPath, App, Docker);
        HealthyA = await HealthyPeer.StartAsync("healthy-a", LayoutPath);
        HealthyB = await HealthyPeer.StartAsync("healthy-b", LayoutPath);
    }

    public async ValueTask DisposeAsync()
    {
        await HealthyA.DisposeAsync();
        await HealthyB.DisposeAsync();
        Directory.Delete(LayoutPath, recursive: true);
    }
}
