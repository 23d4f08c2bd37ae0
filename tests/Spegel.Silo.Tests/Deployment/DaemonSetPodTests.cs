using k8s.Models;
using Microsoft.AspNetCore.Routing;
using Spegel.Silo.Hosting;

namespace Spegel.Silo.Tests.Deployment;

/// <summary>The DaemonSet's pod agrees with what <c>spegel run</c> listens on, reads and needs.</summary>
public sealed class DaemonSetPodTests
{
    // The host gives its services 30 s to stop (HostOptions.ShutdownTimeout's default), and the silo's stop, with the
    // withdrawal of this node's advertisements, fits in it; the kubelet must not kill the process before that.
    private const int HostShutdownSeconds = 30;

    [Fact]
    public void ContainerPorts_AreTheListenersOfTheParsedOptions()
    {
        var (commandLine, result, container) = DaemonSetCommandLineTests.ParseRun();
        var options = commandLine.RunOptions;

        Assert.Equal(result.GetValue(options.RegistryAddress)!.Port, PortNamed(container, "registry").ContainerPort);
        Assert.Equal(result.GetValue(options.OpsAddress)!.Port, PortNamed(container, "ops").ContainerPort);
        Assert.Equal(result.GetValue(options.SiloPort), PortNamed(container, "silo").ContainerPort);
        Assert.Equal(result.GetValue(options.GatewayPort), PortNamed(container, "gateway").ContainerPort);
    }

    [Fact]
    public void RegistryPort_IsPublishedOnTheNode_OthersAreNot()
    {
        var (_, _, container) = DaemonSetCommandLineTests.ParseRun();

        Assert.NotEqual(true, DaemonSetCommandLineTests.DaemonSet().Spec.Template.Spec.HostNetwork);
        Assert.Equal(PortNamed(container, "registry").ContainerPort, PortNamed(container, "registry").HostPort);
        Assert.All(container.Ports.Where(port => port.Name != "registry"), port => Assert.Null(port.HostPort));
    }

    [Fact]
    public void Probes_UseTheOpsPortAndTheHealthPaths()
    {
        var (commandLine, result, container) = DaemonSetCommandLineTests.ParseRun();
        var opsPort = result.GetValue(commandLine.RunOptions.OpsAddress)!.Port;

        Assert.Equal("/healthz", container.StartupProbe.HttpGet.Path);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.All([container.StartupProbe, container.LivenessProbe, container.ReadinessProbe],
            probe => Assert.Equal(opsPort, ResolvePort(container, probe.HttpGet.Port)));
    }

    [Fact]
    public async Task ProbePaths_AreMappedByTheNodeHost()
    {
        var (commandLine, result, container) = DaemonSetCommandLineTests.ParseRun();
        await using var app = NodeHost.Build(commandLine.RunOptions.Bind(result));

        var routes = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(endpoint => endpoint.RoutePattern.RawText)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains(container.StartupProbe.HttpGet.Path, routes);
        Assert.Contains(container.LivenessProbe.HttpGet.Path, routes);
        Assert.Contains(container.ReadinessProbe.HttpGet.Path, routes);
    }

    [Fact]
    public void ContainerdMounts_AreReadOnlyAtThePathsTheOptionsResolveTo()
    {
        var (commandLine, result, container) = DaemonSetCommandLineTests.ParseRun();
        var daemonSet = DaemonSetCommandLineTests.DaemonSet();
        var socket = result.GetValue(commandLine.RunOptions.ContainerdSocket)!;
        var content = result.GetValue(commandLine.RunOptions.ContainerdContentPath)!;

        Assert.Equal(socket, DaemonSetCommandLineTests.HostPathOf(daemonSet, container, socket));
        Assert.Equal(content, DaemonSetCommandLineTests.HostPathOf(daemonSet, container, content));
        Assert.All(container.VolumeMounts.Where(mount => mount.MountPath is not "/tmp"), mount => Assert.True(mount.ReadOnlyProperty));
    }

    [Fact]
    public void ContainerdMounts_NeedNoOption_TheDefaultsAreUsed()
    {
        var (commandLine, result, _) = DaemonSetCommandLineTests.ParseRun();

        Assert.True(result.GetResult(commandLine.RunOptions.ContainerdSocket) is null or { Implicit: true });
        Assert.True(result.GetResult(commandLine.RunOptions.ContainerdContentPath) is null or { Implicit: true });
    }

    [Fact]
    public void ConfigureInitContainer_WritesIntoTheNodesCertsFolder()
    {
        var (result, container) = DaemonSetCommandLineTests.ParseInit("configure");

        var hostPath = DaemonSetCommandLineTests.HostPathOf(DaemonSetCommandLineTests.DaemonSet(), container, result.GetValue<string>("--config-path")!);

        Assert.Equal("/etc/containerd/certs.d", hostPath);
        Assert.NotEqual(true, container.VolumeMounts.Single(mount => mount.Name == "containerd-certs").ReadOnlyProperty);
    }

    [Fact]
    public void Pod_RunsOnEveryNodeAsNodeCritical_AndHasTimeToLeaveTheCluster()
    {
        var pod = DaemonSetCommandLineTests.DaemonSet().Spec.Template.Spec;

        Assert.Equal("system-node-critical", pod.PriorityClassName);
        Assert.Contains(pod.Tolerations, toleration => toleration is { OperatorProperty: "Exists", Key: null, Effect: null });
        Assert.True(pod.TerminationGracePeriodSeconds > HostShutdownSeconds);
    }

    [Theory]
    [InlineData("daemonset.yaml", "spegel", "spegel")]
    [InlineData("daemonset.yaml", "spegel", "configure")]
    [InlineData("uninstall/cleanup-daemonset.yaml", "spegel-cleanup", "cleanup")]
    public void Containers_AreLockedDown(string file, string daemonSetName, string name)
    {
        var daemonSet = Manifests.Single<V1DaemonSet>(file, daemonSetName);
        var container = Manifests.Container(daemonSet, name);

        var security = container.SecurityContext;

        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.Null(security.Capabilities.Add);
        Assert.NotEqual(true, security.Privileged);
        Assert.Contains(container.VolumeMounts, mount => mount.MountPath == "/tmp"
            && daemonSet.Spec.Template.Spec.Volumes.Single(volume => volume.Name == mount.Name).EmptyDir is not null);
        Assert.NotNull(container.Resources.Requests["memory"]);
        Assert.NotNull(container.Resources.Limits["memory"]);
    }

    [Fact]
    public void RunContainer_IsNotRoot()
    {
        var (_, _, container) = DaemonSetCommandLineTests.ParseRun();

        Assert.True(container.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, container.SecurityContext.RunAsUser);
    }

    [Fact]
    public void Service_TargetsTheContainersNamedPorts()
    {
        var (_, _, container) = DaemonSetCommandLineTests.ParseRun();
        var service = Manifests.Single<V1Service>("service.yaml", "spegel");

        Assert.Equal("None", service.Spec.ClusterIP);
        Assert.All(service.Spec.Ports, port =>
        {
            Assert.Equal(port.Port, PortNamed(container, port.TargetPort.Value).ContainerPort);
            Assert.Equal(port.Name, port.TargetPort.Value);
        });
        Assert.All(service.Spec.Selector, label => Assert.Equal(label.Value, DaemonSetCommandLineTests.DaemonSet().Spec.Template.Metadata.Labels[label.Key]));
    }

    [Fact]
    public void NetworkPolicies_NameOnlyPortsThatExist()
    {
        var (_, _, container) = DaemonSetCommandLineTests.ParseRun();
        var redis = Manifests.Single<V1StatefulSet>("redis.yaml", "spegel-redis").Spec.Template.Spec.Containers.Single();
        var policies = Manifests.LoadModels("networkpolicy.yaml").OfType<V1NetworkPolicy>().ToList();

        var spegelPorts = policies.Single(policy => policy.Metadata.Name == "spegel").Spec.Ingress.SelectMany(rule => rule.Ports);
        var redisPorts = policies.Single(policy => policy.Metadata.Name == "spegel-redis").Spec.Ingress.SelectMany(rule => rule.Ports);

        Assert.Equal(["gateway", "ops", "registry", "silo"], spegelPorts.Select(port => port.Port.Value).Order(StringComparer.Ordinal));
        Assert.All(spegelPorts, port => PortNamed(container, port.Port.Value));
        Assert.All(redisPorts, port => PortNamed(redis, port.Port.Value));
    }

    [Fact]
    public void SiloAndRedisPorts_AreOpenOnlyToTheSpegelPods()
    {
        var podLabels = DaemonSetCommandLineTests.DaemonSet().Spec.Template.Metadata.Labels;
        var policies = Manifests.LoadModels("networkpolicy.yaml").OfType<V1NetworkPolicy>().ToList();

        var rules = policies.SelectMany(policy => policy.Spec.Ingress)
            .Where(rule => rule.Ports.Any(port => port.Port.Value is "silo" or "gateway" or "redis"))
            .ToList();

        Assert.NotEmpty(rules);
        Assert.All(rules, rule =>
        {
            var peer = Assert.Single(rule.FromProperty);
            Assert.Null(peer.IpBlock);
            Assert.Null(peer.NamespaceSelector);
            Assert.All(peer.PodSelector.MatchLabels, label => Assert.Equal(label.Value, podLabels[label.Key]));
        });
    }

    [Fact]
    public void ServiceMonitor_ScrapesMetricsOnTheServicesOpsPort()
    {
        var service = Manifests.Single<V1Service>("service.yaml", "spegel");
        var monitor = Assert.Single(Manifests.LoadDocuments("servicemonitor.yaml"));

        var endpoint = Assert.Single(monitor["spec"]!["endpoints"]!.AsArray())!;

        Assert.Equal("monitoring.coreos.com/v1/ServiceMonitor", Manifests.KindOf(monitor));
        Assert.Equal("ops", endpoint["port"]!.GetValue<string>());
        Assert.Contains(service.Spec.Ports, port => port.Name == "ops");
        Assert.Equal("/metrics", endpoint["path"]!.GetValue<string>());
        Assert.All(monitor["spec"]!["selector"]!["matchLabels"]!.AsObject(),
            label => Assert.Equal(label.Value!.GetValue<string>(), service.Metadata.Labels[label.Key]));
    }

    [Fact]
    public void Redis_PersistsItsAppendOnlyFileOnAClaimedVolume()
    {
        var redis = Manifests.Single<V1StatefulSet>("redis.yaml", "spegel-redis");
        var container = redis.Spec.Template.Spec.Containers.Single();

        var args = string.Join(' ', container.Args);

        Assert.Contains("--appendonly yes", args, StringComparison.Ordinal);
        var claim = Assert.Single(redis.Spec.VolumeClaimTemplates);
        Assert.Equal("/data", container.VolumeMounts.Single(mount => mount.Name == claim.Metadata.Name).MountPath);
        Assert.Contains("--dir /data", args, StringComparison.Ordinal);
    }

    private static V1ContainerPort PortNamed(V1Container container, string name) =>
        Assert.Single(container.Ports, port => port.Name == name);

    private static int ResolvePort(V1Container container, IntOrString port) =>
        int.TryParse(port.Value, out var number) ? number : PortNamed(container, port.Value).ContainerPort;
}
