using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Spegel.Registry.Http;

/// <summary>
/// The registry endpoint's instruments, on the meter <c>Spegel.Registry</c> (one instance per meter factory, shared by
/// the endpoint and the peer mirror):
/// <list type="bullet">
/// <item><c>spegel.registry.requests</c> (counter): answered requests, tagged <c>route</c> (<c>manifest</c>,
/// <c>blob</c>, <c>api</c>, <c>other</c>), <c>method</c>, <c>status</c> and <c>source</c> (<c>local</c>: this node's
/// store; <c>peer</c>: streamed from another node; <c>miss</c>: 404, containerd goes upstream; <c>invalid</c>: a
/// rejected request; <c>error</c>: a fault here).</item>
/// <item><c>spegel.registry.served</c> (counter, bytes): body bytes sent, tagged <c>source</c> (<c>local</c>,
/// <c>peer</c>).</item>
/// <item><c>spegel.mirror.last_success_timestamp</c> (gauge, seconds since the Unix epoch): when a request was last
/// served from a peer; 0 until the first.</item>
/// </list>
/// </summary>
public sealed class RegistryMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Spegel.Registry";

    private static readonly ConditionalWeakTable<IMeterFactory, RegistryMetrics> Instances = new();

    private readonly Counter<long> _requests;
    private readonly Counter<long> _served;
    private long _lastMirrorSuccessUnixSeconds;

    private RegistryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(
            "spegel.registry.requests", "{request}", "Requests answered by the registry endpoint.");
        _served = meter.CreateCounter<long>(
            "spegel.registry.served", "By", "Body bytes sent by the registry endpoint, by source.");
        meter.CreateObservableGauge(
            "spegel.mirror.last_success_timestamp", () => Interlocked.Read(ref _lastMirrorSuccessUnixSeconds), "s",
            "When a request was last served from a peer (Unix time).");
    }

    /// <summary>The instruments created through <paramref name="meterFactory"/>.</summary>
    public static RegistryMetrics For(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        return Instances.GetValue(meterFactory, factory => new RegistryMetrics(factory));
    }

    /// <summary>Counts one answered request.</summary>
    public void Request(string route, string method, int status, string source) => _requests.Add(1,
        new KeyValuePair<string, object?>("route", route),
        new KeyValuePair<string, object?>("method", method),
        new KeyValuePair<string, object?>("status", status),
        new KeyValuePair<string, object?>("source", source));

    /// <summary>Counts body bytes sent.</summary>
    public void Served(string source, long bytes)
    {
        if (bytes > 0)
        {
            _served.Add(bytes, new KeyValuePair<string, object?>("source", source));
        }
    }

    /// <summary>Records that a request was just served from a peer.</summary>
    public void MirrorSucceeded(DateTimeOffset now) =>
        Interlocked.Exchange(ref _lastMirrorSuccessUnixSeconds, now.ToUnixTimeSeconds());
}
