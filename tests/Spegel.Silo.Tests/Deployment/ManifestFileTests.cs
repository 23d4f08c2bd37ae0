using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Spegel.Silo.Tests.Deployment;

public sealed class ManifestFileTests
{
    private const string UninstallFolder = "uninstall/";

    public static TheoryData<string> YamlFiles() => [.. Manifests.YamlFiles()];

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void EveryYamlFile_LoadsIntoKubernetesModelsOrIsAKnownExtensionKind(string file)
    {
        var documents = Manifests.LoadDocuments(file);

        Assert.NotEmpty(documents);
        if (documents.All(document => Manifests.ExtensionKinds.Contains(Manifests.KindOf(document))))
        {
            Assert.All(documents, document => Assert.False(string.IsNullOrEmpty(document["apiVersion"]?.GetValue<string>())));
            return;
        }

        Assert.DoesNotContain(documents, document => Manifests.ExtensionKinds.Contains(Manifests.KindOf(document)));
        var models = Manifests.LoadModels(file);
        Assert.Equal(documents.Count, models.Count);
        Assert.All(models, model => Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(model));
    }

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void EveryNamespacedObject_IsInTheSpegelNamespace(string file)
    {
        var documents = Manifests.LoadDocuments(file).Where(document => Manifests.KindOf(document) is not
            ("v1/Namespace" or "kustomize.config.k8s.io/v1beta1/Kustomization"));

        Assert.All(documents, document => Assert.Equal("spegel", document["metadata"]?["namespace"]?.GetValue<string>()));
    }

    [Fact]
    public void Kustomization_ListsEveryYamlFileOutsideUninstall_AndNothingElse()
    {
        var kustomization = Kustomization();
        var expected = Manifests.YamlFiles()
            .Where(file => file != "kustomization.yaml" && !file.StartsWith(UninstallFolder, StringComparison.Ordinal));

        var resources = Strings(kustomization["resources"]);

        Assert.Equal(expected.Order(StringComparer.Ordinal), resources.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Kustomization_ShipsTheGrafanaDashboardAsALabelledConfigMap()
    {
        var generators = Kustomization()["configMapGenerator"]!.AsArray();

        var dashboard = Assert.Single(generators, generator => generator!["name"]!.GetValue<string>() == "spegel-grafana-dashboard")!;

        Assert.Equal(["grafana-dashboard.json"], Strings(dashboard["files"]));
        Assert.True(File.Exists(Path.Combine(Manifests.Folder, "grafana-dashboard.json")));
        Assert.Equal("spegel", dashboard["namespace"]!.GetValue<string>());
        Assert.Equal("1", dashboard["options"]!["labels"]!["grafana_dashboard"]!.GetValue<string>());
        Assert.Equal("true", dashboard["options"]!["disableNameSuffixHash"]!.GetValue<string>());
    }

    [Fact]
    public void Uninstall_IsNotPartOfTheKustomization()
    {
        var resources = Strings(Kustomization()["resources"]);

        Assert.DoesNotContain(resources, resource => resource.StartsWith(UninstallFolder, StringComparison.Ordinal) || resource == "uninstall");
        Assert.Contains(Manifests.YamlFiles(), file => file == "uninstall/cleanup-daemonset.yaml");
    }

    private static JsonObject Kustomization()
    {
        var document = Assert.Single(Manifests.LoadDocuments("kustomization.yaml"));
        Assert.Equal("kustomize.config.k8s.io/v1beta1/Kustomization", Manifests.KindOf(document));
        return document;
    }

    private static IReadOnlyList<string> Strings(JsonNode? node) => [.. node!.AsArray().Select(item => item!.GetValue<string>())];
}
