using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Spegel.Registry.Distribution;

namespace Spegel.Registry.Mirroring;

/// <summary>
/// Decides which requests are looked up in the cluster at all: <see cref="MirrorOptions.MirroredRegistries"/>,
/// <see cref="MirrorOptions.ResolveTags"/> and <see cref="MirrorOptions.RegistryFilters"/>.
/// </summary>
internal sealed class MirrorFilter
{
    // A filter is a short operator-written pattern over a name of at most a few hundred characters; anything slower
    // than this is a pathological pattern, and the request is then simply not mirrored.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private readonly HashSet<string> _registries;
    private readonly bool _resolveTags;
    private readonly (string Pattern, Regex Regex)[] _filters;

    /// <exception cref="ArgumentException">A filter is not a valid regular expression.</exception>
    public MirrorFilter(MirrorOptions options)
    {
        _registries = new HashSet<string>(options.MirroredRegistries, StringComparer.OrdinalIgnoreCase);
        _resolveTags = options.ResolveTags;
        _filters = options.RegistryFilters
            .Select(pattern => (pattern,
                new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, MatchTimeout)))
            .ToArray();
    }

    /// <summary>Whether the request is excluded from mirroring, and why.</summary>
    public bool IsExcluded(RegistryRequest request, [NotNullWhen(true)] out string? reason)
    {
        if (_registries.Count > 0 && !_registries.Contains(request.Registry))
        {
            reason = $"registry {request.Registry} is not mirrored through the cluster";
            return true;
        }

        if (request.Tag is not null && !_resolveTags)
        {
            reason = "tags are not resolved through the cluster";
            return true;
        }

        var name = request.Tag is null
            ? $"{request.Registry}/{request.Repository}@{request.Digest}"
            : $"{request.Registry}/{request.Repository}:{request.Tag}";
        foreach (var (pattern, regex) in _filters)
        {
            bool matches;
            try
            {
                matches = regex.IsMatch(name);
            }
            catch (RegexMatchTimeoutException)
            {
                // Not mirroring is always safe: containerd then asks the next host.
                reason = $"filter '{pattern}' timed out on {name}";
                return true;
            }

            if (matches)
            {
                reason = $"{name} is excluded by filter '{pattern}'";
                return true;
            }
        }

        reason = null;
        return false;
    }
}
