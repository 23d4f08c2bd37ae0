using System.Text;

namespace Spegel.Registry.Mirroring;

/// <summary>
/// What happened to each holder tried for one request, in order, for the outcome's reason, e.g.
/// <c>3 holders tried: node-a timed out, node-b 404, node-c refused</c>.
/// </summary>
internal sealed class HolderAttempts
{
    private readonly List<(string Node, string What)> _attempts = [];

    /// <summary>How many holders were tried.</summary>
    public int Count => _attempts.Count;

    /// <summary>
    /// Records what one holder did, as a phrase that follows its name (<c>timed out</c>, <c>served</c>).
    /// </summary>
    public void Add(PeerHolder holder, string what) => _attempts.Add((holder.Node, what));

    /// <summary>The reason text, followed by <paramref name="ending"/> when given.</summary>
    public string Describe(string? ending = null)
    {
        var text = new StringBuilder();
        text.Append(_attempts.Count).Append(_attempts.Count == 1 ? " holder tried" : " holders tried");
        for (var i = 0; i < _attempts.Count; i++)
        {
            text.Append(i == 0 ? ": " : ", ").Append(_attempts[i].Node).Append(' ').Append(_attempts[i].What);
        }

        if (ending is not null)
        {
            text.Append("; ").Append(ending);
        }

        return text.ToString();
    }
}
