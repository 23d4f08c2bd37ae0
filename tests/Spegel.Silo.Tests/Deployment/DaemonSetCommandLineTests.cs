using System.CommandLine;
using k8s.Models;
using Spegel.Silo.Cli;

namespace Spegel.Silo.Tests.Deployment;

/// <summary>
/// The DaemonSet's arguments and the ConfigMap's variables go through the real command line, so that a renamed or
/// retyped option, or a variable no option reads, breaks here instead of on a node.
/// </summary>
public sealed class DaemonSetCommandLineTests
{
    [Fact]
    public void RunContainer_ArgsAndConfigMap_ParseWithoutErrorsAndValidate()
    {
        var (commandLine, result, _) = ParseRun();

        Assert.Empty(result.Errors.Select(error => error.Message));
        Assert.Equal("run", result.CommandResult.Command.Name);
        Assert.Null(commandLine.RunOptions.Validate(result));
    }

    [Fact]
    public void RunContainer_TakesItsIdentityFromTheDownwardApi()
    {
        var (commandLine, result, _) = ParseRun();
        var options = commandLine.RunOptions;

        Assert.Equal(ContainerEnvironment.SamplePodIp, result.GetValue(options.AdvertiseAddress));
        Assert.Equal(ContainerEnvironment.SampleNodeName, result.GetValue(options.NodeName));
    }

    [Fact]
    public void RunContainer_ClustersThroughTheRedisService()
    {
        var (commandLine, result, _) = ParseRun();
        var redisService = Manifests.Single<V1Service>("redis.yaml", "spegel-redis");

        Assert.Equal(ClusteringKind.Redis, result.GetValue(commandLine.RunOptions.Clustering));
        Assert.Equal($"{redisService.Metadata.Name}:{redisService.Spec.Ports.Single().Port}", result.GetValue(commandLine.RunOptions.Redis));
    }

    [Fact]
    public void RunContainer_HasTheVariablesThatTurnOnOrleansKubernetesHosting()
    {
        var container = Manifests.Container(DaemonSet(), "spegel");

        Assert.Equal("metadata.name", FieldPath(container, "POD_NAME"));
        Assert.Equal("metadata.namespace", FieldPath(container, "POD_NAMESPACE"));
        Assert.Equal("status.podIP", FieldPath(container, "POD_IP"));
        Assert.Equal("spec.nodeName", FieldPath(container, "NODE_NAME"));
    }

    [Fact]
    public void PodLabels_MatchTheSilosServiceAndClusterIds()
    {
        var (commandLine, result, _) = ParseRun();
        var labels = DaemonSet().Spec.Template.Metadata.Labels;

        Assert.Equal(result.GetValue(commandLine.RunOptions.ServiceId), labels["orleans/serviceId"]);
        Assert.Equal(result.GetValue(commandLine.RunOptions.ClusterId), labels["orleans/clusterId"]);
    }

    [Fact]
    public void ConfigMap_EveryVariableIsReadBySomeCommand()
    {
        var known = new SpegelCommandLine(RunNothing).Root.Subcommands
            .SelectMany(command => command.Options)
            .Select(OptionFactory.EnvironmentVariableOf)
            .ToHashSet(StringComparer.Ordinal);

        var variables = ConfigMap().Data.Keys;

        Assert.All(variables, variable => Assert.Contains(variable, known));
    }

    [Fact]
    public void ConfigureInitContainer_ArgsAndConfigMap_ParseWithoutErrors()
    {
        var (result, _) = ParseInit("configure");

        Assert.Empty(result.Errors.Select(error => error.Message));
        Assert.Equal("configure", result.CommandResult.Command.Name);
        Assert.Equal([$"http://{ContainerEnvironment.SampleNodeIp}:5000"], result.GetValue<IReadOnlyList<string>>("--mirror-targets"));
    }

    [Fact]
    public void ConfigureInitContainer_MirrorsTheRegistriesTheNodeLooksUp()
    {
        var (commandLine, run, _) = ParseRun();
        var (configure, _) = ParseInit("configure");

        Assert.NotEmpty(run.GetValue(commandLine.RunOptions.MirroredRegistries)!);
        Assert.Equal(run.GetValue(commandLine.RunOptions.MirroredRegistries), configure.GetValue<IReadOnlyList<string>>("--mirrored-registries"));
        Assert.Equal(run.GetValue(commandLine.RunOptions.ResolveTags), configure.GetValue<bool>("--resolve-tags"));
    }

    [Fact]
    public void ConfigureInitContainer_MirrorTargetIsTheNodesHostPortOfTheRegistryListener()
    {
        var (commandLine, run, container) = ParseRun();
        var (configure, _) = ParseInit("configure");
        var registryPort = Assert.Single(container.Ports, port => port.Name == "registry");

        var target = new Uri(Assert.Single(configure.GetValue<IReadOnlyList<string>>("--mirror-targets")!));

        Assert.Equal(ContainerEnvironment.SampleNodeIp, target.Host);
        Assert.Equal(registryPort.HostPort, target.Port);
        Assert.Equal(run.GetValue(commandLine.RunOptions.RegistryAddress)!.Port, registryPort.ContainerPort);
    }

    [Fact]
    public void CleanupDaemonSet_ArgsParseWithoutErrors_AndCleanTheFolderThatConfigureWrites()
    {
        var cleanupDaemonSet = Manifests.Single<V1DaemonSet>("uninstall/cleanup-daemonset.yaml", "spegel-cleanup");
        var cleanup = Manifests.Container(cleanupDaemonSet, "cleanup");
        var (configure, configureContainer) = ParseInit("configure");

        var result = new SpegelCommandLine(RunNothing).Parse(cleanup.Args.ToList(), _ => null);

        Assert.Empty(result.Errors.Select(error => error.Message));
        Assert.Equal("cleanup", result.CommandResult.Command.Name);
        Assert.Equal(HostPathOf(DaemonSet(), configureContainer, configure.GetValue<string>("--config-path")!),
            HostPathOf(cleanupDaemonSet, cleanup, result.GetValue<string>("--config-path")!));
    }

    internal static (SpegelCommandLine CommandLine, ParseResult Result, V1Container Container) ParseRun()
    {
        var container = Manifests.Container(DaemonSet(), "spegel");
        var environment = ContainerEnvironment.Of(container, [ConfigMap()]);
        var commandLine = new SpegelCommandLine(RunNothing);
        var args = environment.Expand(container.Args);
        Assert.DoesNotContain(args, arg => arg.Contains("$(", StringComparison.Ordinal));
        return (commandLine, commandLine.Parse(args, environment.Get), container);
    }

    internal static (ParseResult Result, V1Container Container) ParseInit(string name)
    {
        var container = Manifests.Container(DaemonSet(), name);
        var environment = ContainerEnvironment.Of(container, [ConfigMap()]);
        var args = environment.Expand(container.Args);
        Assert.DoesNotContain(args, arg => arg.Contains("$(", StringComparison.Ordinal));
        return (new SpegelCommandLine(RunNothing).Parse(args, environment.Get), container);
    }

    internal static V1DaemonSet DaemonSet() => Manifests.Single<V1DaemonSet>("daemonset.yaml", "spegel");

    internal static V1ConfigMap ConfigMap() => Manifests.Single<V1ConfigMap>("configmap.yaml", "spegel");

    /// <summary>The node folder behind the mount that holds <paramref name="path"/> in <paramref name="container"/>.</summary>
    internal static string HostPathOf(V1DaemonSet daemonSet, V1Container container, string path)
    {
        var mount = Assert.Single(container.VolumeMounts, mount => mount.MountPath == path);
        return daemonSet.Spec.Template.Spec.Volumes.Single(volume => volume.Name == mount.Name).HostPath.Path;
    }

    private static string? FieldPath(V1Container container, string name) =>
        container.Env.Single(variable => variable.Name == name).ValueFrom?.FieldRef?.FieldPath;

    private static Task<int> RunNothing(Hosting.NodeSettings settings, CancellationToken cancellationToken) => Task.FromResult(0);
}
