using System.Runtime.InteropServices;

namespace Spegel.TestSupport.Processes;

/// <summary>POSIX signals for child processes (Process.Kill only sends SIGKILL).</summary>
public static partial class NativeSignals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM; returns false when the process no longer exists.</summary>
    public static bool Terminate(int processId) => Kill(processId, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
