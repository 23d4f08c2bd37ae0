using System.Collections.Concurrent;

namespace Spegel.Registry.Mirroring;

/// <summary>
/// Remembers holders that failed recently, so that other requests try them last, and decides the order in which a
/// request tries its holders.
/// </summary>
/// <remarks>
/// The order is random among holders without a recent failure (spreading load without any shared state), followed
/// by the recently failed ones, least recent failure first: a holder is skipped while another can be tried, yet when
/// every holder failed lately the request still tries them rather than answering 404 without asking. A holder is
/// forgotten when it serves a request or when its failure is older than the backoff. The memory is per node, not per
/// digest: a refusing or hanging node is as slow for one digest as for another.
/// </remarks>
internal sealed class FailedHolderMemory(TimeProvider timeProvider, TimeSpan backoff, Random random)
{
    // Far above any real cluster; only bounds memory if endpoints keep changing.
    private const int PruneAbove = 1024;

    private readonly ConcurrentDictionary<PeerHolder, DateTimeOffset> _failures = new();

    /// <summary>Remembers that <paramref name="holder"/> failed now.</summary>
    public void MarkFailed(PeerHolder holder)
    {
        var now = timeProvider.GetUtcNow();
        _failures[holder] = now;
        if (_failures.Count > PruneAbove)
        {
            foreach (var (key, failedAt) in _failures)
            {
                if (now - failedAt >= backoff)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>Forgets an earlier failure of <paramref name="holder"/>.</summary>
    public void MarkHealthy(PeerHolder holder) => _failures.TryRemove(holder, out _);

    /// <summary>Whether <paramref name="holder"/> failed within the backoff.</summary>
    public bool IsMarked(PeerHolder holder) =>
        _failures.TryGetValue(holder, out var failedAt) && timeProvider.GetUtcNow() - failedAt < backoff;

    /// <summary>At most <paramref name="max"/> distinct holders in the order to try them.</summary>
    public IReadOnlyList<PeerHolder> Order(IReadOnlyList<PeerHolder> holders, int max)
    {
        var now = timeProvider.GetUtcNow();
        var fresh = new List<PeerHolder>(holders.Count);
        var marked = new List<(PeerHolder Holder, DateTimeOffset FailedAt)>();
        foreach (var holder in holders.Distinct())
        {
            if (_failures.TryGetValue(holder, out var failedAt) && now - failedAt < backoff)
            {
                marked.Add((holder, failedAt));
            }
            else
            {
                fresh.Add(holder);
            }
        }

        // Fisher-Yates; written out (rather than Random.Shuffle) so that a Random whose Next(i, n) returns i keeps the
        // given order, which tests rely on.
        for (var i = 0; i < fresh.Count - 1; i++)
        {
            var j = random.Next(i, fresh.Count);
            (fresh[i], fresh[j]) = (fresh[j], fresh[i]);
        }

        marked.Sort((a, b) => a.FailedAt.CompareTo(b.FailedAt));
        fresh.AddRange(marked.Select(m => m.Holder));
        return fresh.Count > max ? fresh.GetRange(0, max) : fresh;
    }
}
