using System.Diagnostics;

namespace Spegel.TestSupport.Containerd;

/// <summary>A command started by <see cref="ProcessRunner.Start"/>; killed on dispose if it still runs.</summary>
public sealed class RunningProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _command;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    internal RunningProcess(Process process, string command)
    {
        _process = process;
        _command = command;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    /// <summary>Waits for the exit; kills the process and throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<ProcessResult> WaitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{_command}' did not finish within {timeout}.");
        }

        return new ProcessResult(_command, _process.ExitCode, await _stdout, await _stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
