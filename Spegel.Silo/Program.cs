using Spegel.Silo.Cli;
using Spegel.Silo.Hosting;

namespace Spegel.Silo;

internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var commandLine = new SpegelCommandLine(NodeHost.RunAsync);
        return commandLine.InvokeAsync(args, Environment.GetEnvironmentVariable, Console.Error);
    }
}
