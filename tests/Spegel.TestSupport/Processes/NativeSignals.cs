using System.Runtime.InteropServices;

namespace Spegel.TestSupport.Processes;

/// <summary>POSIX signals for child processes (Process.Kill only sends SIGKILL).</summary>
public static partial class NativeSignals
{
    // Linux numbering, the same on x86-64 and arm64.
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>Sends SIGTERM; returns false when the process no longer exists.</summary>
    public static bool Terminate(int processId) => Kill(processId, SigTerm) == 0;

    /// <summary>
    /// Sends SIGSTOP: the process is frozen until <see cref="Continue"/>. The kernel still completes TCP handshakes on
    /// its listening sockets, so to a client it accepts connections and then never answers.
    /// </summary>
    public static bool Stop(int processId) => Kill(processId, SigStop) == 0;

    /// <summary>Sends SIGCONT, resuming a process frozen by <see cref="Stop"/>.</summary>
    public static bool Continue(int processId) => Kill(processId, SigCont) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
