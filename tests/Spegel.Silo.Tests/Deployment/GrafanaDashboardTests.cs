using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Spegel.Silo.Tests.Deployment;

/// <summary>
/// The dashboard keeps each metric name in one hidden constant variable (<c>metric_*</c>); queries refer to those.
/// Every name must be one the nodes export, so a renamed metric is renamed in one list here and one place there.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    private const string MetricVariablePrefix = "metric_";

    /// <summary>The Prometheus series the nodes export (histograms by their _bucket series).</summary>
    private static readonly HashSet<string> ExportedMetrics = new(StringComparer.Ordinal)
    {
        "spegel_registry_requests_total",
        "spegel_registry_served_bytes_total",
        "spegel_mirror_peer_requests_total",
        "spegel_mirror_holders_tried_bucket",
        "spegel_mirror_lookup_duration_seconds_bucket",
        "spegel_agent_advertised_digests",
        "spegel_agent_advertised_tags",
        "spegel_agent_advertisements_total",
        "spegel_mirror_last_success_timestamp_seconds",
    };

    [Fact]
    public void MetricVariables_AreHiddenConstantsNamingExportedMetrics()
    {
        var variables = MetricVariables();

        Assert.NotEmpty(variables);
        Assert.All(variables.Values, metric => Assert.Contains(metric, ExportedMetrics));
    }

    [Fact]
    public void EveryExportedMetric_HasAPanel()
    {
        var variables = MetricVariables();

        var used = Panels().SelectMany(Expressions).SelectMany(expression => MetricsIn(expression, variables)).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(ExportedMetrics.Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryPanelQuery_NamesMetricsOnlyThroughTheVariables()
    {
        var variables = MetricVariables();

        Assert.All(Panels(), panel =>
        {
            var expressions = Expressions(panel).ToList();
            Assert.NotEmpty(expressions);
            Assert.All(expressions, expression =>
            {
                Assert.DoesNotContain("spegel_", expression, StringComparison.Ordinal);
                Assert.NotEmpty(MetricsIn(expression, variables));
                Assert.All(VariableReferences(expression), name => Assert.True(variables.ContainsKey(name) || name is "node",
                    $"'{panel["title"]}' refers to ${name}, which the dashboard does not define"));
            });
        });
    }

    [Fact]
    public void Panels_HaveUniqueIdsAndTitles()
    {
        var panels = Panels();

        Assert.Equal(panels.Count, panels.Select(panel => panel["id"]!.GetValue<int>()).Distinct().Count());
        Assert.Equal(panels.Count, panels.Select(panel => panel["title"]!.GetValue<string>()).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void NodeVariable_ListsTheNodesLabelledByTheServiceMonitor()
    {
        var variables = MetricVariables();
        var node = Variables().Single(variable => variable["name"]!.GetValue<string>() == "node");
        var monitor = Assert.Single(Manifests.LoadDocuments("servicemonitor.yaml"));

        var query = node["definition"]!.GetValue<string>();

        Assert.NotEmpty(MetricsIn(query, variables));
        Assert.Contains(monitor["spec"]!["endpoints"]![0]!["relabelings"]!.AsArray(),
            relabeling => relabeling!["targetLabel"]!.GetValue<string>() == "node");
    }

    private static JsonObject Dashboard() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Manifests.Folder, "grafana-dashboard.json")))!.AsObject();

    private static IReadOnlyList<JsonObject> Variables() =>
        [.. Dashboard()["templating"]!["list"]!.AsArray().Select(variable => variable!.AsObject())];

    private static Dictionary<string, string> MetricVariables() =>
        Variables()
            .Where(variable => variable["name"]!.GetValue<string>().StartsWith(MetricVariablePrefix, StringComparison.Ordinal))
            .ToDictionary(
                variable => variable["name"]!.GetValue<string>(),
                variable =>
                {
                    Assert.Equal("constant", variable["type"]!.GetValue<string>());
                    return variable["query"]!.GetValue<string>();
                },
                StringComparer.Ordinal);

    private static IReadOnlyList<JsonObject> Panels() =>
        [.. Dashboard()["panels"]!.AsArray().Select(panel => panel!.AsObject())];

    private static IEnumerable<string> Expressions(JsonObject panel) =>
        panel["targets"]?.AsArray().Select(target => target!["expr"]!.GetValue<string>()) ?? [];

    private static IEnumerable<string> MetricsIn(string expression, Dictionary<string, string> variables) =>
        VariableReferences(expression).Where(variables.ContainsKey).Select(name => variables[name]);

    private static IEnumerable<string> VariableReferences(string expression) =>
        VariableReference().Matches(expression).Select(match => match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["plain"].Value)
            .Where(name => !name.StartsWith("__", StringComparison.Ordinal));

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z0-9_]+)\}|(?<plain>[A-Za-z0-9_]+))")]
    private static partial Regex VariableReference();
}
