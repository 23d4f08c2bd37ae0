namespace Spegel.Registry.Mirroring;

/// <summary>
/// A restartable timeout on the injected <see cref="TimeProvider"/>, linked to an outer token. <see cref="Expired"/>
/// tells a timeout from a cancellation of the outer token.
/// </summary>
internal sealed class Deadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    public Deadline(TimeProvider timeProvider, TimeSpan after, CancellationToken outer)
    {
        _timer = new CancellationTokenSource(after, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(outer, _timer.Token);
    }

    /// <summary>Cancelled when the timeout passes or the outer token is cancelled.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Whether the timeout itself fired.</summary>
    public bool Expired => _timer.IsCancellationRequested;

    /// <summary>Starts the timeout over with <paramref name="after"/>; no effect once it fired.</summary>
    public void Restart(TimeSpan after) => _timer.CancelAfter(after);

    /// <inheritdoc/>
    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
