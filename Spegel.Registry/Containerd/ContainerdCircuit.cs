namespace Spegel.Registry.Containerd;

/// <summary>
/// Remembers that containerd was unreachable, so that lookups during an outage answer at once instead of each
/// waiting for a connection failure or a deadline. After <c>retryAfter</c> the next call tries again.
/// </summary>
internal sealed class ContainerdCircuit(TimeProvider timeProvider, TimeSpan retryAfter)
{
    private readonly Lock _gate = new();
    private long _openUntilTicks;
    private bool _isDown;

    /// <summary>Whether calls should be refused without trying.</summary>
    public bool IsOpen => timeProvider.GetTimestamp() < Volatile.Read(ref _openUntilTicks);

    /// <summary>Records a failed call; returns whether containerd was considered up until now.</summary>
    public bool RecordFailure()
    {
        var until = timeProvider.GetTimestamp() + (long)(retryAfter.TotalSeconds * timeProvider.TimestampFrequency);
        lock (_gate)
        {
            Volatile.Write(ref _openUntilTicks, until);
            var wasUp = !_isDown;
            _isDown = true;
            return wasUp;
        }
    }

    /// <summary>Records a successful call; returns whether containerd was considered down until now.</summary>
    public bool RecordSuccess()
    {
        if (!Volatile.Read(ref _isDown))
        {
            return false;
        }

        lock (_gate)
        {
            Volatile.Write(ref _openUntilTicks, 0);
            var wasDown = _isDown;
            _isDown = false;
            return wasDown;
        }
    }
}
