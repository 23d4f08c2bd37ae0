using System.CommandLine;
using Spegel.Registry.Distribution;
using Spegel.Silo.MirrorConfiguration;

namespace Spegel.Silo.Cli;

/// <summary>
/// <c>spegel configure</c> and <c>spegel cleanup</c>: write containerd's <c>hosts.toml</c> mirror configuration so
/// that containerd asks the local endpoint first, and restore what was there before.
/// </summary>
internal sealed class ConfigureCommands
{
    public Option<string> ConfigPath { get; } = OptionFactory.Text("--config-path",
        "containerd's registry config_path (the certs.d folder)", "/etc/containerd/certs.d", Path.IsPathRooted,
        "an absolute path");

    public Option<IReadOnlyList<string>> MirrorTargets { get; } = OptionFactory.List("--mirror-targets",
        "The mirror endpoints to list first, e.g. http://10.0.0.5:5000",
        target => Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
        "absolute http:// or https:// URLs");

    public Option<IReadOnlyList<string>> MirroredRegistries { get; } = OptionFactory.List("--mirrored-registries",
        "The registries to mirror; none means every registry (_default)",
        registry => registry == "_default" || DistributionGrammar.IsValidRegistryHost(registry),
        "registry hosts such as docker.io");

    public Option<bool> ResolveTags { get; } = OptionFactory.Boolean("--resolve-tags",
        "Whether containerd may resolve tags through the mirror (capability resolve)", true);

    public Option<bool> PrependExisting { get; } = CreatePrependExisting();

    public IEnumerable<Command> Build(Func<ILoggerFactory> loggerFactory)
    {
        var configure = new Command(
            "configure",
            "Write <config-path>/<registry>/hosts.toml so that containerd pulls through the mirror first.");
        configure.Options.Add(ConfigPath);
        configure.Options.Add(MirrorTargets);
        configure.Options.Add(MirroredRegistries);
        configure.Options.Add(ResolveTags);
        configure.Options.Add(PrependExisting);
        configure.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(MirrorTargets)!.Count == 0)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(
                    "spegel: --mirror-targets: at least one target is required, e.g. http://127.0.0.1:5000.");
                return SpegelCommandLine.UsageError;
            }

            using var factory = loggerFactory();
            var configurator = new MirrorConfigurator(factory.CreateLogger<MirrorConfigurator>());
            var request = new MirrorConfigurationRequest(result.GetValue(ConfigPath)!, result.GetValue(MirrorTargets)!,
                result.GetValue(MirroredRegistries)!, result.GetValue(ResolveTags), result.GetValue(PrependExisting));
            return await ReportAsync(result, await configurator.ConfigureAsync(request, cancellationToken));
        });

        var cleanup = new Command(
            "cleanup", "Restore the hosts.toml files that spegel configure replaced, and remove those it created.");
        cleanup.Options.Add(ConfigPath);
        cleanup.SetAction(async (result, cancellationToken) =>
        {
            using var factory = loggerFactory();
            var configurator = new MirrorConfigurator(factory.CreateLogger<MirrorConfigurator>());
            return await ReportAsync(
                result, await configurator.CleanupAsync(result.GetValue(ConfigPath)!, cancellationToken));
        });
        return [configure, cleanup];
    }

    private static async Task<int> ReportAsync(ParseResult result, MirrorConfigurationResult outcome)
    {
        if (outcome.Succeeded)
        {
            return 0;
        }

        await result.InvocationConfiguration.Error.WriteLineAsync($"spegel: {outcome.Error}");
        return outcome.Outcome == MirrorConfigurationOutcome.InvalidRequest ? SpegelCommandLine.UsageError : 1;
    }

    private static Option<bool> CreatePrependExisting()
    {
        var option = new Option<bool>("--prepend-existing");
        option.Description =
            $"Keep the hosts of an existing hosts.toml after ours [env: {OptionFactory.EnvironmentVariableOf(option)}]";
        return option;
    }
}
