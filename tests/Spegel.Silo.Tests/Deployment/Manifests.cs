using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Spegel.TestSupport.Processes;
using YamlDotNet.RepresentationModel;

namespace Spegel.Silo.Tests.Deployment;

/// <summary>The files under <c>k8s/</c>, loaded the way the tests need them.</summary>
internal static class Manifests
{
    /// <summary>Kinds that are not built into the Kubernetes models; their files are read as plain YAML.</summary>
    public static readonly IReadOnlySet<string> ExtensionKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "kustomize.config.k8s.io/v1beta1/Kustomization",
        "monitoring.coreos.com/v1/ServiceMonitor",
    };

    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "k8s");

    /// <summary>Every YAML file under <c>k8s/</c>, as a path relative to it with '/' separators.</summary>
    public static IReadOnlyList<string> YamlFiles() =>
        [.. Directory.EnumerateFiles(Folder, "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(Folder, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Folder, relativePath));

    /// <summary>
    /// Loads a file of built-in kinds into KubernetesClient's models, strictly: a misspelt or misplaced field fails.
    /// </summary>
    public static IReadOnlyList<object> LoadModels(string relativePath) =>
        KubernetesYaml.LoadAllFromString(Read(relativePath), typeMap: null, strict: true);

    /// <summary>The one object of type <typeparamref name="T"/> named <paramref name="name"/> in a file.</summary>
    public static T Single<T>(string relativePath, string name)
        where T : IMetadata<V1ObjectMeta> =>
        LoadModels(relativePath).OfType<T>().Single(item => item.Metadata.Name == name);

    /// <summary>Reads every document of a file as plain YAML, mapped onto JSON nodes (scalars become strings).</summary>
    public static IReadOnlyList<JsonObject> LoadDocuments(string relativePath)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(Read(relativePath)))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(document => (JsonObject)ToJson(document.RootNode)!)];
    }

    /// <summary>The <c>apiVersion/kind</c> of a plain YAML document.</summary>
    public static string KindOf(JsonObject document) => $"{document["apiVersion"]}/{document["kind"]}";

    /// <summary>The DaemonSet's container or init container named <paramref name="name"/>.</summary>
    public static V1Container Container(V1DaemonSet daemonSet, string name) =>
        daemonSet.Spec.Template.Spec.Containers.Concat(daemonSet.Spec.Template.Spec.InitContainers ?? [])
            .Single(container => container.Name == name);

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value!, ToJson(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
        _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}"),
    };
}
