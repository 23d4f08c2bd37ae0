using System.Diagnostics;
using Orleans.Dashboard;

namespace Spegel.Silo.Cluster;

/// <summary>
/// The Orleans Dashboard, served under <c>/dashboard</c> on the operations listener only.
/// </summary>
/// <remarks>
/// The dashboard's endpoints take their services from the silo's container, but the silo runs in a host of its own
/// (so that the registry serves while the cluster cannot be joined). Each time the silo starts, a small pipeline is
/// built on the silo's services and the operations listener hands <c>/dashboard</c> requests to it, with the
/// request's services swapped for the silo's. While the silo is not running, <c>/dashboard</c> answers 503.
/// </remarks>
internal static class DashboardPipeline
{
    public const string Prefix = "/dashboard";

    /// <summary>What the pipeline needs in the silo's container besides the dashboard itself.</summary>
    public static void AddServices(IServiceCollection services)
    {
        services.AddRouting();
        services.AddSingleton(new DiagnosticListener("Spegel.Dashboard"));
        services.AddSingleton<DiagnosticSource>(provider => provider.GetRequiredService<DiagnosticListener>());
    }

    /// <summary>Builds the pipeline on <paramref name="siloServices"/>.</summary>
    public static RequestDelegate Build(IServiceProvider siloServices)
    {
        var app = new ApplicationBuilder(siloServices);
        app.UseRouting();
        app.UseEndpoints(endpoints => endpoints.MapOrleansDashboard(Prefix));
        var pipeline = app.Build();
        return context =>
        {
            context.RequestServices = siloServices;
            return pipeline(context);
        };
    }
}
