using System.Runtime.InteropServices;
using Spegel.TestSupport.Images;

namespace Spegel.TestSupport.Stores;

/// <summary>An image a store under test must hold: all of it, or only what pulling one platform leaves behind.</summary>
/// <param name="Image">The image.</param>
/// <param name="OnlyPlatform">
/// When set, the store holds only <see cref="TestImage.BlobsForPlatform"/> of this platform, the way a node that
/// pulled a multi-platform image for itself does. Stores that take this from the machine they run on (containerd's
/// import keeps the host's platform) support only <see cref="HostPlatform"/>.
/// </param>
public sealed record StoredImage(TestImage Image, string? OnlyPlatform = null)
{
    /// <summary>The platform of the machine the tests run on, e.g. <c>linux/amd64</c>.</summary>
    public static string HostPlatform { get; } = RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "linux/amd64",
        Architecture.Arm64 => "linux/arm64",
        var other => throw new PlatformNotSupportedException($"No test platform for {other}."),
    };

    /// <summary>The blobs the store holds for this image.</summary>
    public IReadOnlyList<TestBlob> Blobs => OnlyPlatform is null ? Image.Blobs : Image.BlobsForPlatform(OnlyPlatform);
}
