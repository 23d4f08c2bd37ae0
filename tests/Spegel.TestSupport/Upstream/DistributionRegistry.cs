using System.Diagnostics;
using System.Globalization;
using Spegel.TestSupport.Containerd;
using Spegel.TestSupport.Images;
using Spegel.TestSupport.Processes;
using Xunit;

namespace Spegel.TestSupport.Upstream;

/// <summary>
/// A private Distribution registry (<c>docker-registry serve</c>) on a loopback port of its own, storing on the file
/// system under a temporary folder; started for the tests and stopped by PID. It plays a real upstream registry.
/// </summary>
public sealed class DistributionRegistry : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private Process? _process;

    /// <summary>The folder holding the configuration and the stored repositories.</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("spegel-upstream-").FullName;

    public int Port { get; } = FreePort.Next();

    /// <summary>The registry host, as it appears in image names and <c>?ns=</c>: <c>127.0.0.1:PORT</c>.</summary>
    public string Host => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The plain-HTTP address, as a <c>hosts.toml</c> <c>server</c> names it.</summary>
    public Uri Address => new($"http://{Host}");

    public async ValueTask InitializeAsync()
    {
        var config = Path.Combine(Folder, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: error
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Folder}/data
            http:
              addr: {Host}
            """);
        var info = new ProcessStartInfo("docker-registry")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        _process = Process.Start(info) ?? throw new InvalidOperationException("docker-registry did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}.");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(Address, "/v2/"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"docker-registry did not serve /v2/ on {Host} within {StartTimeout}.");
    }

    /// <summary>Pushes <paramref name="image"/> as <c>HOST/REPOSITORY:TAG</c> with skopeo, from an OCI layout written for it.</summary>
    public async Task PushAsync(TestImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var layout = Path.Combine(Folder, $"layout-{Guid.NewGuid():N}");
        OciLayoutWriter.Write(layout, image);
        try
        {
            var all = image.Platforms.Count > 1 ? new[] { "--all" } : [];
            (await ProcessRunner.RunAsync("skopeo",
                ["--insecure-policy", "copy", "--dest-tls-verify=false", "--preserve-digests", .. all,
                 $"oci:{layout}:{image.Tag}", $"docker://{Host}/{image.Repository}:{image.Tag}"],
                TimeSpan.FromMinutes(2))).EnsureSuccess();
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            using (process)
            {
                if (!process.HasExited)
                {
                    _ = NativeSignals.Terminate(process.Id);
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
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

        Directory.Delete(Folder, recursive: true);
    }
}
