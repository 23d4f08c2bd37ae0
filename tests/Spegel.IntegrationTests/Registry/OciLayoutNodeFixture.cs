using Spegel.TestSupport.Images;
using Spegel.TestSupport.Processes;

namespace Spegel.IntegrationTests.Registry;

/// <summary>A real <c>spegel run --store oci:…</c> process serving a layout of generated images.</summary>
public sealed class OciLayoutNodeFixture : IAsyncLifetime
{
    public TestImage App { get; } = TestImageBuilder.Oci("docker.io/library/app:v1", 201, 3_000_000, 5_000_000, 2_000_000);

    public TestImage Docker { get; } = TestImageBuilder.Docker("docker.io/library/dock:v1", 202, 4_000_000, 1_000_000);

    public TestImage Multi { get; } = TestImageBuilder.MultiArch("docker.io/library/multi:v1", 203, ["linux/amd64", "linux/arm64"], 2_000_000, 1_000_000);

    public string LayoutPath { get; } = Directory.CreateTempSubdirectory("spegel-it-layout-").FullName;

    public SpegelNodeProcess Node { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        OciLayoutWriter.Write(LayoutPath, App, Docker, Multi);
        Node = await SpegelNodeProcess.StartAsync(["--store", $"oci:{LayoutPath}"]);
    }

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        Directory.Delete(LayoutPath, recursive: true);
    }
}
