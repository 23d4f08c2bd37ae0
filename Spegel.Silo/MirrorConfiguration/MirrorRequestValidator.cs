using System.Diagnostics.CodeAnalysis;
using Spegel.Registry.Distribution;

namespace Spegel.Silo.MirrorConfiguration;

/// <summary>
/// Checks a <see cref="MirrorConfigurationRequest"/> and brings it into the form the configurator writes: a full config
/// path, targets as <c>scheme://host[:port]</c>, and <c>_default</c> when no registry is named.
/// </summary>
internal static class MirrorRequestValidator
{
    /// <summary>
    /// The folder name containerd uses for hosts that apply to every registry without a folder of its own.
    /// </summary>
    public const string DefaultRegistry = "_default";

    /// <summary>
    /// Validates <paramref name="request"/>. Returns <see langword="false"/> with a message naming the first bad value;
    /// never throws for bad input.
    /// </summary>
    public static bool TryNormalize(
        MirrorConfigurationRequest request,
        [NotNullWhen(true)] out MirrorConfigurationRequest? normalized,
        [NotNullWhen(false)] out string? error)
    {
        normalized = null;
        if (!TryNormalizeConfigPath(request.ConfigPath, out var configPath, out error)
            || !TryNormalizeTargets(request.MirrorTargets, out var targets, out error)
            || !TryNormalizeRegistries(request.MirroredRegistries, out var registries, out error))
        {
            return false;
        }

        normalized = request with { ConfigPath = configPath, MirrorTargets = targets, MirroredRegistries = registries };
        return true;
    }

    /// <summary>Whether <paramref name="registry"/> is <c>_default</c> or a host name with an optional port.</summary>
    public static bool IsValidRegistry(string registry) =>
        registry == DefaultRegistry || DistributionGrammar.IsValidRegistryHost(registry);

    /// <summary>Validates a config path on its own, as cleanup needs; returns its full form.</summary>
    public static bool TryNormalizeConfigPath(
        string? configPath,
        [NotNullWhen(true)] out string? fullPath,
        [NotNullWhen(false)] out string? error)
    {
        fullPath = null;
        if (string.IsNullOrWhiteSpace(configPath) || configPath.Contains('\0', StringComparison.Ordinal))
        {
            error = "The config path must be a folder path.";
            return false;
        }

        fullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(configPath));
        if (File.Exists(fullPath))
        {
            error = $"The config path '{fullPath}' is a file, not a folder.";
            fullPath = null;
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryNormalizeTargets(
        IReadOnlyList<string> targets,
        [NotNullWhen(true)] out IReadOnlyList<string>? normalized,
        [NotNullWhen(false)] out string? error)
    {
        normalized = null;
        if (targets.Count == 0)
        {
            error = "At least one mirror target is needed.";
            return false;
        }

        var result = new List<string>(targets.Count);
        foreach (var target in targets)
        {
            if (!TryNormalizeTarget(target, out var value))
            {
                error = $"The mirror target '{target}' is not an absolute http or https URL "
                    + "without path, query or user info.";
                return false;
            }

            if (result.Contains(value, StringComparer.Ordinal))
            {
                error = $"The mirror target '{target}' is listed twice.";
                return false;
            }

            result.Add(value);
        }

        normalized = result;
        error = null;
        return true;
    }

    private static bool TryNormalizeTarget(string? target, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrEmpty(target)
            || target.Any(char.IsWhiteSpace)
            || !Uri.TryCreate(target, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.UserInfo.Length > 0
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0
            || uri.AbsolutePath != "/"
            || uri.Host.Length == 0)
        {
            return false;
        }

        // The mirror serves /v2/ at its root, so only the authority matters; this also drops a trailing slash and a
        // default port, which makes duplicates visible.
        normalized = uri.GetLeftPart(UriPartial.Authority);
        return true;
    }

    private static bool TryNormalizeRegistries(
        IReadOnlyList<string> registries,
        [NotNullWhen(true)] out IReadOnlyList<string>? normalized,
        [NotNullWhen(false)] out string? error)
    {
        normalized = null;
        if (registries.Count == 0)
        {
            normalized = [DefaultRegistry];
            error = null;
            return true;
        }

        var result = new List<string>(registries.Count);
        foreach (var registry in registries)
        {
            if (!IsValidRegistry(registry))
            {
                error = $"The registry '{registry}' is not a host name with an optional port, nor '{DefaultRegistry}'.";
                return false;
            }

            // Host names are case-insensitive, and on a case-insensitive file system both would share one folder.
            if (result.Contains(registry, StringComparer.OrdinalIgnoreCase))
            {
                error = $"The registry '{registry}' is listed twice.";
                return false;
            }

            result.Add(registry);
        }

        normalized = result;
        error = null;
        return true;
    }
}
