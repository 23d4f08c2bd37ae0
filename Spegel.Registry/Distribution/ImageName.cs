using System.Diagnostics.CodeAnalysis;

namespace Spegel.Registry.Distribution;

/// <summary>
/// A tagged image name as containerd stores it: <c>registry/repository:tag</c>, e.g.
/// <c>docker.io/library/nginx:1.27</c>. This is the key under which tags are resolved, locally and in the cluster.
/// </summary>
/// <param name="Registry">The registry host (with port if any), e.g. <c>docker.io</c> or <c>127.0.0.1:5000</c>.</param>
/// <param name="Repository">The repository path inside the registry, e.g. <c>library/nginx</c>.</param>
/// <param name="Tag">The tag.</param>
public sealed record ImageName(string Registry, string Repository, string Tag)
{
    /// <summary>The canonical text form <c>registry/repository:tag</c>.</summary>
    public override string ToString() => $"{Registry}/{Repository}:{Tag}";

    /// <summary>
    /// Parses <c>registry/repository:tag</c>, optionally followed by <c>@digest</c> (which is dropped: the tag is
    /// what is resolved). The first path component is the registry; names without a tag, with an invalid
    /// repository or tag, or with a single component, are rejected.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ImageName? name)
    {
        name = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            text = text[..at];
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var colon = text.LastIndexOf(':');
        if (slash <= 0 || colon < slash)
        {
            return false;
        }

        var registry = text[..slash];
        var repository = text[(slash + 1)..colon];
        var tag = text[(colon + 1)..];
        if (!DistributionGrammar.IsValidRegistryHost(registry)
            || !DistributionGrammar.IsValidRepositoryName(repository)
            || !DistributionGrammar.IsValidTag(tag))
        {
            return false;
        }

        name = new ImageName(registry, repository, tag);
        return true;
    }
}
