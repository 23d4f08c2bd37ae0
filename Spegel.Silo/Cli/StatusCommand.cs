using System.CommandLine;
using System.Globalization;
using System.Net;
using Orleans.Configuration;
using Spegel.Grains.Membership;
using Spegel.Grains.Nodes;

namespace Spegel.Silo.Cli;

/// <summary>
/// <c>spegel status</c>: connects to a silo's Orleans gateway as a client and prints the cluster's silos with what
/// each node advertises. Exit code 1 when the gateway cannot be reached.
/// </summary>
internal sealed class StatusCommand
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    public Option<IPEndPoint> Gateway { get; } = OptionFactory.Create("--gateway", "A silo's Orleans gateway",
        new IPEndPoint(IPAddress.Loopback, 30000), ValueParsers.TryParseEndPoint,
        "HOST:PORT with an IP address, e.g. 127.0.0.1:30000");

    public Option<string> ClusterId { get; } = OptionFactory.Text("--cluster-id", "The Orleans cluster id", "spegel",
        id => id.Length > 0, "the cluster id the nodes run with");

    public Option<string> ServiceId { get; } = OptionFactory.Text("--service-id", "The Orleans service id", "spegel",
        id => id.Length > 0, "the service id the nodes run with");

    public Command Build()
    {
        var command = new Command(
            "status", "Print the cluster's silos and what each node advertises, through an Orleans gateway.");
        command.Options.Add(Gateway);
        command.Options.Add(ClusterId);
        command.Options.Add(ServiceId);
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var gateway = result.GetValue(Gateway)!;
            using var host = BuildClient(gateway, result.GetValue(ClusterId)!, result.GetValue(ServiceId)!);
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(ConnectTimeout);
                await host.StartAsync(deadline.Token);
                var grains = host.Services.GetRequiredService<IClusterClient>();
                var silos = await grains.GetGrain<IClusterViewGrain>(IClusterViewGrain.Key).ListSilosAsync()
                    .WaitAsync(ConnectTimeout, cancellationToken);
                await output.WriteLineAsync(
                    $"{"NODE",-24} {"STATUS",-12} {"DIGESTS",8} {"TAGS",6}  {"ENDPOINT",-28} SILO");
                foreach (var silo in silos)
                {
                    var report = await grains.GetGrain<INodeGrain>(silo.Name).GetAsync()
                        .WaitAsync(ConnectTimeout, cancellationToken);
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{silo.Name,-24} {silo.Status,-12} {Count(report?.Digests),8} {Count(report?.Tags),6}  "
                            + $"{report?.Endpoint ?? "-",-28} {silo.Silo}"));
                }

                await host.StopAsync(CancellationToken.None);
                return 0;
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException or OperationCanceledException
                or System.Net.Sockets.SocketException)
            {
                await error.WriteLineAsync(
                    $"spegel: cannot reach the cluster through the gateway {gateway}: {ex.GetBaseException().Message}");
                return 1;
            }
        });
        return command;

        static string Count(int? count) => count?.ToString(CultureInfo.InvariantCulture) ?? "-";
    }

    private static IHost BuildClient(IPEndPoint gateway, string clusterId, string serviceId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(gateway);
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = serviceId;
            });
            client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        });
        return builder.Build();
    }
}
