using System.Diagnostics;
using System.Text;

namespace Spegel.TestSupport.Processes;

/// <summary>Runs a command to completion with a deadline and returns its exit code and output.</summary>
public static class ExternalProcess
{
    /// <summary>The outcome of a finished command.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>Throws with the command's output when it did not exit with 0.</summary>
        public Result EnsureSuccess(string what) =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"{what} exited with {ExitCode}:\n{Output}\n{Error}");
    }

    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>; kills it after <paramref name="timeout"/>.</summary>
    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}:\n{output}\n{error}");
        }

        process.WaitForExit();
        return new Result(process.ExitCode, Snapshot(output), Snapshot(error));

        static void Append(StringBuilder builder, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (builder)
            {
                builder.AppendLine(line);
            }
        }

        static string Snapshot(StringBuilder builder)
        {
            lock (builder)
            {
                return builder.ToString();
            }
        }
    }
}
