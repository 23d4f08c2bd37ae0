using System.Threading.Channels;
using Spegel.Registry.Content;

namespace Spegel.TestSupport.Stores;

/// <summary>Follows a store's change feed in the background so a test can wait, with a deadline, for a change.</summary>
public sealed class ChangeFeedRecorder : IAsyncDisposable
{
    private readonly Channel<StoreChange> _changes = Channel.CreateUnbounded<StoreChange>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _follow;

    /// <summary>Starts following <paramref name="store"/>'s feed.</summary>
    public ChangeFeedRecorder(IContentStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _follow = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in store.WatchAsync(_stop.Token))
                {
                    _changes.Writer.TryWrite(change);
                }

                _changes.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                _changes.Writer.TryComplete(ex);
            }
        });
    }

    /// <summary>
    /// Waits for the first change, from now on, that matches <paramref name="predicate"/>, skipping others; throws
    /// <see cref="TimeoutException"/> when none arrives within <paramref name="timeout"/>.
    /// </summary>
    public async Task<StoreChange> WaitForAsync(Func<StoreChange, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await foreach (var change in _changes.Reader.ReadAllAsync(deadline.Token))
            {
                if (predicate(change))
                {
                    return change;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The deadline passed; reported below.
        }

        throw new TimeoutException($"No matching change within {timeout}.");
    }

    /// <summary>Waits, up to <paramref name="timeout"/>, for no matching change to arrive; returns false if one does.</summary>
    public async Task<bool> StaysQuietAsync(Func<StoreChange, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await WaitForAsync(predicate, timeout, cancellationToken);
            return false;
        }
        catch (TimeoutException)
        {
            return true;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _follow;
        _stop.Dispose();
    }
}
