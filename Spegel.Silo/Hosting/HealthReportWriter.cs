using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Spegel.Silo.Hosting;

/// <summary>Writes a health report as plain text, one line per check with its status and description.</summary>
internal static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder();
        text.Append(report.Status).Append('\n');
        foreach (var (name, entry) in report.Entries.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append(": ").Append(entry.Status).Append(" (").Append(entry.Description).Append(")\n");
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }
}
