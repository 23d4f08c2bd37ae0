using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Spegel.TestSupport.Containerd;

/// <summary>
/// A private containerd for one test class: its own config, root, state and sockets under a short temporary folder
/// (<c>/tmp/ctd-…</c>, because a Unix socket path must stay under about 107 bytes), with the CRI plugin disabled.
/// Started by <see cref="InitializeAsync"/>, stopped by PID and removed by <see cref="DisposeAsync"/>.
/// </summary>
public sealed class ContainerdDaemon : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static bool s_installChecked;

    private Process? _process;

    /// <summary>The folder holding everything of this daemon.</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("ctd-").FullName;

    /// <summary>containerd's root directory.</summary>
    public string Root => Path.Combine(Folder, "root");

    /// <summary>The gRPC socket.</summary>
    public string SocketPath => Path.Combine(Folder, "c.sock");

    /// <summary>The content store's directory, holding <c>blobs/sha256/&lt;hex&gt;</c>.</summary>
    public string ContentPath => Path.Combine(Root, "io.containerd.content.v1.content");

    /// <summary>Where the daemon's output goes.</summary>
    public string LogPath => Path.Combine(Folder, "containerd.log");

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        await EnsureInstalledAsync();
        await File.WriteAllTextAsync(Path.Combine(Folder, "config.toml"), Config());
        await StartAsync(CancellationToken.None);
    }

    /// <summary>Runs <c>ctr -a SOCKET -n NAMESPACE ARGS…</c> and returns its output; throws when it fails.</summary>
    public async Task<string> CtrAsync(string containerdNamespace, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("ctr", ["-a", SocketPath, "-n", containerdNamespace, .. arguments]);
        return result.EnsureSuccess().StandardOutput;
    }

    /// <summary>
    /// Runs a garbage collection now, by creating a lease and deleting it synchronously. Content nothing references
    /// (such as other platforms' blobs left by an import) is gone when this returns.
    /// </summary>
    public async Task CollectGarbageAsync(string containerdNamespace)
    {
        var lease = (await CtrAsync(containerdNamespace, "leases", "create")).Split(' ', 2)[0].Trim();
        await CtrAsync(containerdNamespace, "leases", "rm", "--sync", lease);
    }

    /// <summary>Stops the daemon and starts it again on the same folders.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await StopAsync();
        await StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await UnmountAllUnderAsync(Folder);
        Directory.Delete(Folder, recursive: true);
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };

        // exec keeps the daemon's PID, so it can be stopped by it; its output goes to a file that outlives restarts.
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add($"exec containerd --config '{Folder}/config.toml' >>'{LogPath}' 2>&1");
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start containerd.");

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"containerd exited with {_process.ExitCode}:\n{await TailOfLogAsync()}");
            }

            if (File.Exists(SocketPath)
                && (await ProcessRunner.RunAsync("ctr", ["-a", SocketPath, "version"], TimeSpan.FromSeconds(5), cancellationToken)).ExitCode == 0)
            {
                return;
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"containerd did not answer on {SocketPath} within {StartTimeout}:\n{await TailOfLogAsync()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        using (process)
        {
            if (!process.HasExited)
            {
                await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                using var timeout = new CancellationTokenSource(StopTimeout);
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
        }
    }

    private async Task<string> TailOfLogAsync()
    {
        var lines = File.Exists(LogPath) ? await File.ReadAllLinesAsync(LogPath) : [];
        return string.Join('\n', lines.TakeLast(30));
    }

    private string Config() => $"""
        version = 2
        root = "{Root}"
        state = "{Folder}/state"
        disabled_plugins = ["io.containerd.grpc.v1.cri"]

        [grpc]
          address = "{SocketPath}"

        [ttrpc]
          address = "{SocketPath}.ttrpc"

        [debug]
          address = "{Folder}/debug.sock"

        [plugins."io.containerd.internal.v1.opt"]
          path = "{Folder}/opt"
        """;

    /// <summary>Lazily unmounts whatever is still mounted under <paramref name="folder"/>, deepest first.</summary>
    private static async Task UnmountAllUnderAsync(string folder)
    {
        // Field 5 of /proc/self/mountinfo is the mount point.
        var mountPoints = (await File.ReadAllLinesAsync("/proc/self/mountinfo"))
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 4 && fields[4].StartsWith(folder + "/", StringComparison.Ordinal))
            .Select(fields => fields[4])
            .OrderByDescending(path => path.Length);
        foreach (var mountPoint in mountPoints)
        {
            await ProcessRunner.RunAsync("umount", ["-l", mountPoint]);
        }
    }

    /// <summary>Makes sure containerd is installed, installing it with apt-get when running as root; once per process.</summary>
    private static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (s_installChecked || IsOnPath("containerd") && IsOnPath("ctr"))
            {
                s_installChecked = true;
                return;
            }

            if (!Environment.IsPrivilegedProcess)
            {
                throw new InvalidOperationException("containerd and ctr are not installed; install the 'containerd' package or run the tests as root.");
            }

            await ProcessRunner.RunAsync("apt-get", ["update"], TimeSpan.FromMinutes(5));
            (await ProcessRunner.RunAsync("apt-get", ["install", "-y", "containerd"], TimeSpan.FromMinutes(10))).EnsureSuccess();
            s_installChecked = true;
        }
        finally
        {
            InstallGate.Release();
        }

        static bool IsOnPath(string program) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin")
                .Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Any(folder => File.Exists(Path.Combine(folder, program)));
    }
}
