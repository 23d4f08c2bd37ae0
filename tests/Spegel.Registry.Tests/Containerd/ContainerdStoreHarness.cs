using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spegel.Registry.Containerd;
using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Stores;

namespace Spegel.Registry.Tests.Containerd;

/// <summary>Imports test images into a private containerd and creates stores over it; disposes what it created.</summary>
internal sealed class ContainerdStoreHarness(ContainerdDaemon daemon) : IDisposable
{
    private static int s_namespaces;

    // SPEGEL_TEST_LOG=1 shows the store's log on the console when a test needs explaining.
    private static readonly ILoggerFactory LoggerFactory = Environment.GetEnvironmentVariable("SPEGEL_TEST_LOG") == "1"
        ? Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Trace))
        : NullLoggerFactory.Instance;
    private readonly List<IDisposable> _owned = [];

    /// <summary>A namespace no other test uses, so each test sees only its own images.</summary>
    public static string NewNamespace() =>
        "t" + Interlocked.Increment(ref s_namespaces).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Imports the images into <paramref name="containerdNamespace"/> as <c>ctr images import</c> does on a node:
    /// whole images with <c>--all-platforms</c>, single-platform ones without it, followed by a garbage collection
    /// so that the other platforms' blobs the import wrote are gone as they would be after a pull.
    /// </summary>
    public async Task ImportAsync(string containerdNamespace, IReadOnlyList<StoredImage> images)
    {
        foreach (var group in images.GroupBy(i => i.OnlyPlatform))
        {
            if (group.Key is not null && group.Key != StoredImage.HostPlatform)
            {
                throw new NotSupportedException($"containerd imports the host's platform ({StoredImage.HostPlatform}), not {group.Key}.");
            }

            var archive = Path.Combine(daemon.Folder, $"{containerdNamespace}-{Guid.NewGuid():N}.tar");
            OciArchiveWriter.Write(archive, [.. group.Select(i => i.Image)]);
            string[] platforms = group.Key is null ? ["--all-platforms"] : [];
            await daemon.CtrAsync(containerdNamespace, ["images", "import", "--no-unpack", .. platforms, archive]);
            File.Delete(archive);
            if (group.Key is not null)
            {
                await daemon.CollectGarbageAsync(containerdNamespace);
            }
        }
    }

    /// <summary>Options for a store over the daemon, in <paramref name="containerdNamespace"/>.</summary>
    public ContainerdStoreOptions Options(string containerdNamespace) => new()
    {
        SocketPath = daemon.SocketPath,
        Namespace = containerdNamespace,
        ContentPath = daemon.ContentPath,
    };

    /// <summary>A store with the given options, disposed with the harness.</summary>
    public ContainerdContentStore CreateStore(ContainerdStoreOptions options)
    {
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        var client = new GrpcContainerdClient(wrapped, TimeProvider.System, LoggerFactory.CreateLogger<GrpcContainerdClient>());
        var store = new ContainerdContentStore(client, wrapped, TimeProvider.System, LoggerFactory.CreateLogger<ContainerdContentStore>());
        _owned.Add(store);
        _owned.Add(client);
        return store;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
