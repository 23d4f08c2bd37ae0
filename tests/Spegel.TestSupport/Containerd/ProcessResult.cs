namespace Spegel.TestSupport.Containerd;

/// <summary>How a finished process ended and what it printed.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Returns this result, or throws with the command and its output when it did not exit with 0.</summary>
    public ProcessResult EnsureSuccess() =>
        ExitCode == 0
            ? this
            : throw new InvalidOperationException($"'{Command}' exited with {ExitCode}.\nstdout: {StandardOutput}\nstderr: {StandardError}");
}
