using System.Globalization;
using System.Text;
using Spegel.Grains.Holders;
using Spegel.Grains.Membership;
using Spegel.Grains.Tags;
using Spegel.Registry.Content;
using Spegel.Registry.Distribution;
using Spegel.Registry.Http;
using Spegel.Silo.Cluster;
using Spegel.Silo.Hosting;
using static System.Net.WebUtility;

namespace Spegel.Silo.Operations;

/// <summary>
/// <c>/debug</c>: one self-contained HTML page (no scripts, no external assets) that answers "is it working?": this
/// node, the cluster's silos, what this node advertises, the last registry decisions with the reason for every
/// upstream fallback, and a lookup of the holders of a digest or tag (<c>?lookup=</c>).
/// </summary>
internal static class DebugPage
{
    private const int DecisionsShown = 50;

    public static IEndpointRouteBuilder MapDebugPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/debug", async (
            HttpContext context, NodeSettings settings, IContentStore store, ClusterState cluster,
            RequestJournal journal, string? lookup) =>
        {
            var html = new StringBuilder(16 * 1024);
            html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>spegel ")
                .Append(HtmlEncode(settings.NodeName))
                .Append("</title><style>body{font:14px sans-serif;margin:1.5em}table{border-collapse:collapse}"
                    + "td,th{border:1px solid #ccc;")
                .Append("padding:2px 6px;text-align:left}th{background:#eee}.miss{color:#a40}.peer{color:#064}"
                    + "</style></head><body>");
            html.Append("<h1>spegel on ").Append(HtmlEncode(settings.NodeName)).Append("</h1><table>");
            Row(html, "store", store.Description);
            Row(html, "registry endpoint", settings.RegistryEndPoint.ToString());
            Row(html, "cluster", cluster.Status);
            if (cluster.Current is { } connection)
            {
                var (digests, tags) = connection.Advertised();
                Row(html, "advertised", string.Create(CultureInfo.InvariantCulture, $"{digests} digests, {tags} tags"));
            }

            html.Append("</table>");
            await AppendSilosAsync(html, cluster);
            await AppendLookupAsync(html, cluster, lookup);
            AppendDecisions(html, journal);
            html.Append("</body></html>");
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(html.ToString(), context.RequestAborted);
        });
        return endpoints;
    }

    private static async Task AppendSilosAsync(StringBuilder html, ClusterState cluster)
    {
        html.Append("<h2>Silos</h2>");
        if (cluster.Current is not { } connection)
        {
            html.Append("<p>Not in the cluster: ").Append(HtmlEncode(cluster.Status)).Append("</p>");
            return;
        }

        var silos = await connection.GrainFactory.GetGrain<IClusterViewGrain>(IClusterViewGrain.Key).ListSilosAsync()
            .WaitAsync(TimeSpan.FromSeconds(2));
        html.Append("<table><tr><th>node</th><th>silo</th><th>status</th></tr>");
        foreach (var silo in silos.OrderBy(silo => silo.Name, StringComparer.Ordinal))
        {
            html.Append("<tr><td>").Append(HtmlEncode(silo.Name)).Append("</td><td>")
                .Append(HtmlEncode(silo.Silo.ToString()))
                .Append("</td><td>").Append(HtmlEncode(silo.Status.ToString())).Append("</td></tr>");
        }

        html.Append("</table>");
    }

    private static async Task AppendLookupAsync(StringBuilder html, ClusterState cluster, string? lookup)
    {
        html.Append("<h2>Lookup</h2><form method=\"get\" action=\"/debug\"><input name=\"lookup\" size=\"90\" "
                + "placeholder=\"sha256:… or registry/repository:tag\" value=\"")
            .Append(HtmlEncode(lookup ?? "")).Append("\"> <button>Find holders</button></form>");
        if (string.IsNullOrWhiteSpace(lookup) || cluster.Current is not { } connection)
        {
            return;
        }

        var lookupTimeout = TimeSpan.FromSeconds(2);
        if (Digest.TryParse(lookup.Trim(), out var digest))
        {
            var records = await connection.GrainFactory.GetGrain<IDigestGrain>(digest.Value).ListAsync()
                .WaitAsync(lookupTimeout);
            html.Append("<p>").Append(records.Length).Append(" holders of ").Append(HtmlEncode(digest.Value))
                .Append(":</p><ul>");
            foreach (var record in records)
            {
                html.Append("<li>").Append(HtmlEncode(record.Holder.Node)).Append(" at ")
                    .Append(HtmlEncode(record.Holder.Endpoint))
                    .Append(", refreshed ").Append(record.RefreshedAt.ToString("u", CultureInfo.InvariantCulture))
                        .Append("</li>");
            }

            html.Append("</ul>");
        }
        else if (ImageName.TryParse(lookup.Trim(), out var name))
        {
            var resolution = await connection.GrainFactory.GetGrain<ITagGrain>(name.ToString()).ResolveAsync()
                .WaitAsync(lookupTimeout);
            html.Append("<p>").Append(HtmlEncode(name.ToString())).Append(resolution is null
                ? " is not held by any node.</p>"
                : $" names {HtmlEncode(resolution.Target.Digest)} ({HtmlEncode(resolution.Target.MediaType)}), "
                    + $"held by {HtmlEncode(string.Join(", ", resolution.Holders.Select(h => h.Node)))}.</p>");
        }
        else
        {
            html.Append("<p>Not a digest (sha256:…) nor a tagged name (registry/repository:tag).</p>");
        }
    }

    private static void AppendDecisions(StringBuilder html, RequestJournal journal)
    {
        html.Append("<h2>Last registry decisions</h2><table><tr><th>time (UTC)</th><th>request</th><th>source</th>"
                + "<th>status</th>")
            .Append("<th>ms</th><th>holder or reason</th></tr>");
        foreach (var entry in journal.Snapshot().Take(DecisionsShown))
        {
            html.Append("<tr class=\"").Append(entry.Source).Append("\"><td>")
                .Append(entry.At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(HtmlEncode($"{entry.Method} {entry.Reference}")).Append("</td><td>")
                    .Append(HtmlEncode(entry.Source))
                .Append("</td><td>").Append(entry.Status).Append("</td><td>")
                .Append(entry.Duration.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture))
                    .Append("</td><td>")
                .Append(HtmlEncode(entry.Detail)).Append("</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(HtmlEncode(name)).Append("</th><td>").Append(HtmlEncode(value))
            .Append("</td></tr>");
}
