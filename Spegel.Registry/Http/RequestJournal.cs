namespace Spegel.Registry.Http;

/// <summary>
/// The last <see cref="Capacity"/> decisions of the registry endpoint, newest first, for the debug page: what was
/// asked, where it was served from, and for every miss why containerd had to go upstream.
/// </summary>
public sealed class RequestJournal
{
    /// <summary>How many entries are kept.</summary>
    public const int Capacity = 200;

    private readonly Entry[] _entries = new Entry[Capacity];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    /// <summary>One decision.</summary>
    /// <param name="At">When the request ended.</param>
    /// <param name="Method">The HTTP method.</param>
    /// <param name="Reference">The repository and reference asked for.</param>
    /// <param name="Source">Where it was served from (<c>local</c>, <c>peer</c>) or <c>miss</c>.</param>
    /// <param name="Status">The HTTP status answered.</param>
    /// <param name="Detail">The serving holder, or the reason for a miss.</param>
    /// <param name="Duration">How long it took.</param>
    public sealed record Entry(
        DateTimeOffset At, string Method, string Reference, string Source, int Status, string Detail,
        TimeSpan Duration);

    /// <summary>Adds a decision, replacing the oldest when full.</summary>
    public void Add(Entry entry)
    {
        lock (_lock)
        {
            _entries[_next] = entry;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    /// <summary>The kept decisions, newest first.</summary>
    public IReadOnlyList<Entry> Snapshot()
    {
        lock (_lock)
        {
            var result = new List<Entry>(_count);
            for (var i = 1; i <= _count; i++)
            {
                result.Add(_entries[(_next - i + Capacity) % Capacity]);
            }

            return result;
        }
    }
}
