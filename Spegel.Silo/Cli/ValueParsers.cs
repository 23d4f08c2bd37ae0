using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Spegel.Silo.Cli;

/// <summary>Parsers for the value forms the command line accepts; each returns false instead of throwing.</summary>
internal static class ValueParsers
{
    /// <summary><c>HOST:PORT</c> with an IP address (IPv6 in brackets), or <c>:PORT</c> for every address.</summary>
    public static bool TryParseEndPoint(string text, [NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (text.StartsWith(':'))
        {
            text = "0.0.0.0" + text;
        }

        if (!IPEndPoint.TryParse(text, out var parsed) || parsed.Port is < 1 or > 65535
            || !text.Contains(':', StringComparison.Ordinal)
            || (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !text.StartsWith('[')))
        {
            return false;
        }

        endPoint = parsed;
        return true;
    }

    /// <summary>
    /// A duration: a number with a unit (<c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>2h</c>) or a time span
    /// (<c>00:15:00</c>). Must be positive.
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var units = new (string Suffix, double Milliseconds)[]
        {
            ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)
        };
        foreach (var (suffix, milliseconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture,
                    out var count))
            {
                duration = TimeSpan.FromMilliseconds(count * milliseconds);
                return duration > TimeSpan.Zero;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
    }

    /// <summary><c>true</c>/<c>false</c> (any case), <c>1</c>/<c>0</c>, <c>yes</c>/<c>no</c>.</summary>
    public static bool TryParseBoolean(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "true" or "1" or "yes":
                value = true;
                return true;
            case "false" or "0" or "no":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
