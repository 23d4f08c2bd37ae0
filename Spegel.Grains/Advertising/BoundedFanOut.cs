using System.Collections.Immutable;

namespace Spegel.Grains.Advertising;

/// <summary>
/// Makes one asynchronous call per item with a bound on how many are in flight, and collects the failures.
/// </summary>
/// <remarks>
/// <para>
/// A fixed set of workers takes the items in turn, each awaiting one call at a time, so a finished call costs the
/// same however many are in flight. Waiting with <see cref="Task.WhenAny(IEnumerable{Task})"/> over every call in
/// flight instead costs a continuation per call in flight for each finished call.
/// </para>
/// <para>
/// Calls are never told apart by their tasks: a call that has already finished may return the shared
/// <see cref="Task.CompletedTask"/>, so two calls can return the same task instance.
/// </para>
/// <para>Safe on any scheduler: the shared position and counts are updated atomically.</para>
/// </remarks>
internal static class BoundedFanOut
{
    /// <summary>
    /// Calls <paramref name="call"/> once for each of <paramref name="items"/>, at most
    /// <paramref name="concurrency"/> at a time. A call that throws, synchronously or not, does not stop the others.
    /// </summary>
    /// <returns>How many calls succeeded, the items whose call failed, and the first failure.</returns>
    public static async Task<Outcome> RunAsync(IReadOnlyList<string> items, int concurrency, Func<string, Task> call)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(concurrency);

        var next = -1;
        var succeeded = 0;
        var failed = new List<string>();
        Exception? firstError = null;

        var workers = new Task[Math.Min(concurrency, items.Count)];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = CallInTurnAsync();
        }

        await Task.WhenAll(workers);
        return new Outcome(succeeded, [.. failed], firstError);

        async Task CallInTurnAsync()
        {
            for (var index = Interlocked.Increment(ref next); index < items.Count;
                index = Interlocked.Increment(ref next))
            {
                try
                {
                    await call(items[index]);
                    Interlocked.Increment(ref succeeded);
                }
                // A failed call is that item's outcome; the caller gets every failed item and the first error.
#pragma warning disable CA1031
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    lock (failed)
                    {
                        failed.Add(items[index]);
                        firstError ??= ex;
                    }
                }
            }
        }
    }

    /// <summary>What a fan-out did.</summary>
    /// <param name="Succeeded">Calls that completed successfully.</param>
    /// <param name="Failed">Items whose call failed, the first failure first.</param>
    /// <param name="FirstError">The exception of the first failed call, or null when none failed.</param>
    public readonly record struct Outcome(int Succeeded, ImmutableArray<string> Failed, Exception? FirstError);
}
