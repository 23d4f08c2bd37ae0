using System.Text.RegularExpressions;
using k8s.Models;

namespace Spegel.Silo.Tests.Deployment;

/// <summary>
/// The environment a container of the manifests would see on a sample node, and its arguments with <c>$(VAR)</c>
/// references expanded the way the kubelet expands them.
/// </summary>
internal sealed partial class ContainerEnvironment
{
    public const string SamplePodName = "spegel-x7k2p";
    public const string SampleNamespace = "spegel";
    public const string SamplePodIp = "10.244.3.17";
    public const string SampleNodeIp = "192.168.10.23";
    public const string SampleNodeName = "worker-3";

    private static readonly Dictionary<string, string> SampleFieldValues = new(StringComparer.Ordinal)
    {
        ["metadata.name"] = SamplePodName,
        ["metadata.namespace"] = SampleNamespace,
        ["status.podIP"] = SamplePodIp,
        ["status.hostIP"] = SampleNodeIp,
        ["spec.nodeName"] = SampleNodeName,
    };

    private readonly Dictionary<string, string> _variables;

    private ContainerEnvironment(Dictionary<string, string> variables) => _variables = variables;

    public IReadOnlyDictionary<string, string> Variables => _variables;

    /// <summary>
    /// The variables of <paramref name="container"/>: every ConfigMap it takes with <c>envFrom</c>, then its own
    /// <c>env</c> entries, which win as they do in Kubernetes. Downward API fields get sample values.
    /// </summary>
    public static ContainerEnvironment Of(V1Container container, IReadOnlyList<V1ConfigMap> configMaps)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            var configMap = configMaps.Single(map => map.Metadata.Name == source.ConfigMapRef.Name);
            foreach (var (key, value) in configMap.Data)
            {
                variables[key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            variables[variable.Name] = variable.ValueFrom?.FieldRef is { } field
                ? SampleFieldValues[field.FieldPath]
                : variable.Value ?? throw new InvalidOperationException($"{variable.Name}: only values and fieldRefs are expected");
        }

        return new ContainerEnvironment(variables);
    }

    public string? Get(string name) => _variables.GetValueOrDefault(name);

    /// <summary>The arguments with every <c>$(VAR)</c> of a defined variable replaced; others stay as they are.</summary>
    public IReadOnlyList<string> Expand(IEnumerable<string> args) =>
        [.. args.Select(arg => Reference().Replace(arg, match => _variables.GetValueOrDefault(match.Groups[1].Value, match.Value)))];

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
