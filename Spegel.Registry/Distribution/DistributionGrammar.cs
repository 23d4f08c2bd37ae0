using System.Text.RegularExpressions;

namespace Spegel.Registry.Distribution;

/// <summary>
/// The name and tag grammar of the OCI distribution spec, plus the registry host form containerd uses in
/// <c>?ns=</c>. Every check is a compiled, anchored regular expression with no backtracking hazards.
/// </summary>
public static partial class DistributionGrammar
{
    /// <summary>The longest repository name the spec allows (and most registries enforce).</summary>
    public const int MaxRepositoryNameLength = 255;

    /// <summary>Whether <paramref name="name"/> is a valid repository name: lower-case path components.</summary>
    public static bool IsValidRepositoryName(ReadOnlySpan<char> name) =>
        name.Length is > 0 and <= MaxRepositoryNameLength && RepositoryNamePattern().IsMatch(name);

    /// <summary>Whether <paramref name="tag"/> is a valid tag: up to 128 characters of <c>[A-Za-z0-9_.-]</c>.</summary>
    public static bool IsValidTag(ReadOnlySpan<char> tag) => TagPattern().IsMatch(tag);

    /// <summary>
    /// Whether <paramref name="host"/> is a registry host as it appears in image names and <c>?ns=</c>.
    /// </summary>
    public static bool IsValidRegistryHost(ReadOnlySpan<char> host) =>
        host.Length is > 0 and <= 253 && RegistryHostPattern().IsMatch(host);

    // Path components of [a-z0-9] separated by ".", "_", "__" or runs of "-"; components joined by "/".
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$",
        RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex RepositoryNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    // A DNS name or IPv4 address with an optional port, or a bracketed IPv6 address with an optional port.
    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
        + @"|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex RegistryHostPattern();
}
