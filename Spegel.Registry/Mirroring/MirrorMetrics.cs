using System.Diagnostics.Metrics;

namespace Spegel.Registry.Mirroring;

/// <summary>
/// The peer mirror's instruments, on the meter <c>Spegel.Registry</c>:
/// <list type="bullet">
/// <item><c>spegel.mirror.peer.requests</c> (counter): requests sent to holders, tagged <c>kind</c>
/// (<c>manifest</c>, <c>blob</c>, <c>head</c>) and <c>outcome</c> (<c>ok</c> or a failure such as <c>refused</c>,
/// <c>timeout</c>, <c>status</c>, <c>digest_mismatch</c>, <c>short_body</c>, <c>stalled</c>).</item>
/// <item><c>spegel.mirror.relayed</c> (counter, bytes): body bytes passed from holders to clients.</item>
/// <item>
/// <c>spegel.mirror.holders_tried</c> (histogram): holders tried per mirrored request, tagged <c>served</c>.
/// </item>
/// <item><c>spegel.mirror.lookup.duration</c> (histogram, seconds): time the cluster index took to answer, tagged
/// <c>kind</c> (<c>tag</c>, <c>digest</c>).</item>
/// </list>
/// </summary>
internal sealed class MirrorMetrics
{
    /// <summary>The meter's name, shared with the rest of this assembly.</summary>
    public const string MeterName = "Spegel.Registry";

    private readonly Counter<long> _peerRequests;
    private readonly Counter<long> _relayed;
    private readonly Histogram<int> _holdersTried;
    private readonly Histogram<double> _lookupDuration;

    private readonly Http.RegistryMetrics _registry;

    public MirrorMetrics(IMeterFactory meterFactory)
    {
        _registry = Http.RegistryMetrics.For(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _peerRequests = meter.CreateCounter<long>(
            "spegel.mirror.peer.requests", "{request}", "Requests sent to holders, by kind and outcome.");
        _relayed = meter.CreateCounter<long>(
            "spegel.mirror.relayed", "By", "Body bytes relayed from holders to clients.");
        _holdersTried = meter.CreateHistogram<int>(
            "spegel.mirror.holders_tried", "{holder}", "Holders tried per mirrored request.");
        _lookupDuration = meter.CreateHistogram<double>(
            "spegel.mirror.lookup.duration", "s", "Time the cluster index took to answer.");
    }

    public void PeerRequest(string kind, string outcome) =>
        _peerRequests.Add(1, new KeyValuePair<string, object?>("kind", kind),
            new KeyValuePair<string, object?>("outcome", outcome));

    public void Relayed(long bytes)
    {
        _relayed.Add(bytes);
        _registry.Served("peer", bytes);
    }

    public void HoldersTried(int count, bool served) =>
        _holdersTried.Record(count, new KeyValuePair<string, object?>("served", served));

    public void Lookup(string kind, TimeSpan elapsed) =>
        _lookupDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("kind", kind));
}
