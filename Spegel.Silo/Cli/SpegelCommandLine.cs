using System.CommandLine;
using System.Reflection;
using Spegel.Silo.Hosting;

namespace Spegel.Silo.Cli;

/// <summary>
/// The <c>spegel</c> command line. Parse errors print one line each to standard error and exit with 2; options not
/// given on the command line are taken from their <c>SPEGEL_*</c> environment variables.
/// </summary>
internal sealed class SpegelCommandLine
{
    public const int UsageError = 2;

    private readonly RunCommand _run = new();
    private readonly ConfigureCommands _configure = new();

    public RootCommand Root { get; }

    public SpegelCommandLine(Func<NodeSettings, CancellationToken, Task<int>> runNode)
    {
        ArgumentNullException.ThrowIfNull(runNode);
        Root = new RootCommand(
            "spegel: a stateless, peer-to-peer OCI registry mirror for Kubernetes nodes, built on Orleans.");
        var version = new Command("version", "Print the version.");
        version.SetAction(result =>
        {
            result.InvocationConfiguration.Output.WriteLine(Version);
            return 0;
        });
        Root.Subcommands.Add(version);

        var run = _run.Build();
        run.SetAction(async (result, cancellationToken) =>
        {
            var error = _run.Validate(result);
            if (error is not null)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"spegel: {error}");
                return UsageError;
            }

            return await runNode(_run.Bind(result), cancellationToken);
        });
        Root.Subcommands.Add(run);
        foreach (var command in _configure.Build(CreateConsoleLoggerFactory))
        {
            Root.Subcommands.Add(command);
        }

        Root.Subcommands.Add(new StatusCommand().Build());
    }

    private static ILoggerFactory CreateConsoleLoggerFactory() =>
        LoggerFactory.Create(logging => logging.AddSimpleConsole(options =>
    {
        options.SingleLine = true;
        options.UseUtcTimestamp = true;
        options.TimestampFormat = "HH:mm:ss.fff ";
    }));

    /// <summary>The informational version of this build.</summary>
    public static string Version =>
        typeof(SpegelCommandLine)
            .Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The options of <c>spegel run</c>, for tests and tools that check deployments against them.</summary>
    public RunCommand RunOptions => _run;

    /// <summary>Parses <paramref name="args"/> with environment variables standing in for missing options.</summary>
    public ParseResult Parse(IReadOnlyList<string> args, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var first = Root.Parse(args);
        var fromEnvironment = new List<string>();
        foreach (var option in first.CommandResult.Command.Options)
        {
            if (first.GetResult(option) is { Implicit: false })
            {
                continue;
            }

            var value = getEnvironmentVariable(OptionFactory.EnvironmentVariableOf(option));
            if (!string.IsNullOrEmpty(value))
            {
                fromEnvironment.Add(option.Name);
                fromEnvironment.Add(value);
            }
        }

        return fromEnvironment.Count == 0 ? first : Root.Parse([.. args, .. fromEnvironment]);
    }

    /// <summary>Parses and runs; returns the process exit code.</summary>
    public async Task<int> InvokeAsync(
        IReadOnlyList<string> args,
        Func<string, string?> getEnvironmentVariable,
        TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var result = Parse(args, getEnvironmentVariable);
        if (result.Errors.Count > 0)
        {
            foreach (var parseError in result.Errors)
            {
                await error.WriteLineAsync($"spegel: {parseError.Message}");
            }

            return UsageError;
        }

        return await result.InvokeAsync();
    }
}
