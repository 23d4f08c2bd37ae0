using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Spegel.Registry.Tests.Mirroring;

/// <summary>Listens to the mirror's instruments of one meter factory (so that parallel tests do not mix).</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<string> _peerRequests = new();
    private long _relayedBytes;

    public MetricRecorder(IMeterFactory meterFactory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Spegel.Registry" && instrument.Meter.Scope == meterFactory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "spegel.mirror.peer.requests")
            {
                var kind = tags.ToArray().Single(tag => tag.Key == "kind").Value;
                var outcome = tags.ToArray().Single(tag => tag.Key == "outcome").Value;
                _peerRequests.Enqueue($"{kind}/{outcome}");
            }
            else if (instrument.Name == "spegel.mirror.relayed")
            {
                Interlocked.Add(ref _relayedBytes, value);
            }
        });
        _listener.Start();
    }

    public IReadOnlyList<string> PeerRequests => [.. _peerRequests];

    public long RelayedBytes => Interlocked.Read(ref _relayedBytes);

    public void Dispose() => _listener.Dispose();
}
