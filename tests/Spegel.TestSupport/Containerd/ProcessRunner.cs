using System.Diagnostics;

namespace Spegel.TestSupport.Containerd;

/// <summary>Runs short-lived commands with a deadline, capturing their output.</summary>
public static class ProcessRunner
{
    /// <summary>The deadline used when none is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> and waits for it to exit. The process is
    /// killed, and <see cref="TimeoutException"/> thrown, when it runs past <paramref name="timeout"/>.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var command = $"{fileName} {string.Join(' ', startInfo.ArgumentList)}";
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start '{command}'.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{command}' did not finish within {timeout ?? DefaultTimeout}.");
        }

        return new ProcessResult(command, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> without waiting for it, e.g. to signal it
    /// while it runs; <see cref="RunningProcess.WaitAsync"/> then collects it like <see cref="RunAsync"/> does.
    /// </summary>
    public static RunningProcess Start(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var command = $"{fileName} {string.Join(' ', startInfo.ArgumentList)}";
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start '{command}'.");
        process.StandardInput.Close();
        return new RunningProcess(process, command);
    }
}
