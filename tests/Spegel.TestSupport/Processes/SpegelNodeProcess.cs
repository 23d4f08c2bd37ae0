using System.Diagnostics;
using System.Text;

namespace Spegel.TestSupport.Processes;

/// <summary>
/// A real <c>spegel run</c> process on loopback ports of its own. It is ready when its registry endpoint answers
/// <c>/v2/</c>; it is stopped with SIGTERM (graceful) or killed, and its output is kept for failure messages.
/// </summary>
public sealed class SpegelNodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SpegelNodeProcess(Process process, int registryPort, int opsPort, int siloPort, int gatewayPort)
    {
        _process = process;
        RegistryPort = registryPort;
        OpsPort = opsPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int RegistryPort { get; }

    public int OpsPort { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public Uri RegistryAddress => new($"http://127.0.0.1:{RegistryPort}");

    public Uri OpsAddress => new($"http://127.0.0.1:{OpsPort}");

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    /// <summary>Everything the process wrote so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>spegel run</c> with <paramref name="arguments"/> plus loopback listeners and ports of its own, and
    /// waits (bounded) until the registry endpoint answers.
    /// </summary>
    public static async Task<SpegelNodeProcess> StartAsync(IEnumerable<string> arguments, TimeSpan? readyTimeout = null,
        int? registryPort = null, int? siloPort = null, int? gatewayPort = null, int? opsPort = null)
    {
        var ports = (Registry: registryPort ?? FreePort.Next(), Ops: opsPort ?? FreePort.Next(), Silo: siloPort ?? FreePort.Next(), Gateway: gatewayPort ?? FreePort.Next());
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            RepositoryPaths.SpegelDll, "run",
            "--registry-address", $"127.0.0.1:{ports.Registry}",
            "--ops-address", $"127.0.0.1:{ports.Ops}",
            "--silo-port", ports.Silo.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", ports.Gateway.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("spegel did not start.");
        var node = new SpegelNodeProcess(process, ports.Registry, ports.Ops, ports.Silo, ports.Gateway);
        await node.WaitUntilServingAsync(readyTimeout ?? TimeSpan.FromSeconds(60));
        return node;
    }

    /// <summary>Polls <c>/v2/</c> until it answers 200, the process exits, or the deadline passes.</summary>
    public async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"spegel exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(RegistryAddress, "/v2/"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"spegel did not serve /v2/ within {timeout}:\n{Output}");
    }

    /// <summary>Kills the process at once (SIGKILL), as a crashed node would stop.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// Freezes the process (SIGSTOP) until the returned handle is disposed (SIGCONT): its listening sockets still
    /// accept connections, but nothing is answered. Dispose the handle in a <c>finally</c>.
    /// </summary>
    public IDisposable Freeze()
    {
        if (!NativeSignals.Stop(_process.Id))
        {
            throw new InvalidOperationException($"Could not freeze spegel (PID {_process.Id}).");
        }

        return new Frozen(_process.Id);
    }

    /// <summary>Asks the process to stop (SIGTERM) and waits up to <paramref name="timeout"/>, then kills it.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = NativeSignals.Terminate(_process.Id);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(15));
        _process.Dispose();
    }

    private sealed class Frozen(int processId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _ = NativeSignals.Continue(processId);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
