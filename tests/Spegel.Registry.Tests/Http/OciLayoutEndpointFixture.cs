using Spegel.TestSupport.Images;

namespace Spegel.Registry.Tests.Http;

/// <summary>A layout with an OCI image, a Docker-typed image and a multi-arch index, served on loopback.</summary>
public sealed class OciLayoutEndpointFixture : IAsyncLifetime
{
    public TestImage App { get; } = TestImageBuilder.Oci("docker.io/library/app:v1", 101, 1_000_000, 2_000_000, 300_000);

    public TestImage Docker { get; } = TestImageBuilder.Docker("docker.io/library/dock:v1", 102, 500_000);

    public TestImage Multi { get; } = TestImageBuilder.MultiArch("ghcr.io/team/multi:v2", 103, ["linux/amd64", "linux/arm64"], 100_000);

    public string LayoutPath { get; } = Directory.CreateTempSubdirectory("spegel-layout-").FullName;

    public HttpClient Client { get; private set; } = null!;

    internal RegistryTestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        OciLayoutWriter.Write(LayoutPath, App, Docker, Multi);
        Server = await RegistryTestServer.StartOciLayoutAsync(LayoutPath);
        Client = new HttpClient { BaseAddress = Server.BaseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(LayoutPath, recursive: true);
    }
}
