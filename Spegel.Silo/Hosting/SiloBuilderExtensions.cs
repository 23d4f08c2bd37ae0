using System.Net;
using Orleans.Configuration;
using Spegel.Silo.Cli;

namespace Spegel.Silo.Hosting;

/// <summary>Orleans silo configuration from the node's settings.</summary>
internal static class SiloBuilderExtensions
{
    public static ISiloBuilder AddSpegelClustering(this ISiloBuilder silo, NodeSettings settings, IPAddress advertisedAddress)
    {
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = settings.ClusterId;
            options.ServiceId = settings.ServiceId;
        });
        if (settings.Clustering == ClusteringKind.Localhost)
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
            return silo;
        }

        silo.ConfigureEndpoints(advertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
        throw new NotSupportedException("Redis clustering is not available in this build.");
    }
}
