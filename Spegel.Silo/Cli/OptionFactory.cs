using System.CommandLine;
using System.CommandLine.Parsing;

namespace Spegel.Silo.Cli;

/// <summary>
/// Builds options that share one convention: a typed parser that answers a bad value with a one-line error naming
/// the option and the accepted forms, a default shown in <c>--help</c>, and an environment variable
/// (<c>SPEGEL_</c> + the upper-case name with <c>_</c>) that stands in for an option not given on the command line.
/// </summary>
internal static class OptionFactory
{
    public delegate bool TryParse<T>(string text, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value);

    /// <summary>The environment variable that stands in for <paramref name="option"/>.</summary>
    public static string EnvironmentVariableOf(Option option) =>
        "SPEGEL_" + option.Name.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    /// <summary>An option of type <typeparamref name="T"/> with a default value.</summary>
    public static Option<T> Create<T>(
        string name,
        string description,
        T defaultValue,
        TryParse<T> tryParse,
        string acceptedForms)
    {
        var option = new Option<T>(name)
        {
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => Parse(result, name, tryParse, acceptedForms),
        };
        option.Description = $"{description} [env: {EnvironmentVariableOf(option)}]";
        return option;
    }

    /// <summary>A string option whose value is checked by <paramref name="isValid"/>.</summary>
    public static Option<string> Text(
        string name,
        string description,
        string defaultValue,
        Func<string, bool> isValid,
        string acceptedForms) =>
        Create(name, description, defaultValue,
            (string text, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value) =>
        {
            value = text;
            return isValid(text);
        }, acceptedForms);

    /// <summary>An optional string option with no default (absent means "not set").</summary>
    public static Option<string?> OptionalText(string name, string description)
    {
        var option = new Option<string?>(name);
        option.Description = $"{description} [env: {EnvironmentVariableOf(option)}]";
        return option;
    }

    /// <summary>A duration option (<c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>2h</c> or <c>hh:mm:ss</c>).</summary>
    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue) =>
        Create(name, description, defaultValue, ValueParsers.TryParseDuration,
            "a positive duration such as 500ms, 30s, 15m, 2h or 00:15:00");

    /// <summary>A boolean option that takes an explicit value (<c>--x true</c>, <c>--x false</c>).</summary>
    public static Option<bool> Boolean(string name, string description, bool defaultValue) =>
        Create(name, description, defaultValue, ValueParsers.TryParseBoolean, "true or false");

    /// <summary>A positive integer option.</summary>
    public static Option<int> PositiveInteger(string name, string description, int defaultValue) =>
        Create(name, description, defaultValue, (string text, out int value) =>
            int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out value) && value > 0,
                "a positive whole number");

    /// <summary>A comma-separated list (also accepted as repeated options).</summary>
    public static Option<IReadOnlyList<string>> List(
        string name,
        string description,
        Func<string, bool> isValidItem,
        string acceptedForms)
    {
        var option = new Option<IReadOnlyList<string>>(name)
        {
            DefaultValueFactory = _ => [],
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.ZeroOrMore,
            CustomParser = result =>
            {
                var items = result.Tokens.SelectMany(token => token.Value.Split(
                    ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                var bad = items.FirstOrDefault(item => !isValidItem(item));
                if (bad is not null)
                {
                    result.AddError($"{name}: '{bad}' is not valid; expected {acceptedForms}.");
                }

                return items;
            },
        };
        option.Description = $"{description} (comma-separated) [env: {EnvironmentVariableOf(option)}]";
        return option;
    }

    private static T Parse<T>(ArgumentResult result, string name, TryParse<T> tryParse, string acceptedForms)
    {
        if (result.Tokens.Count != 1)
        {
            result.AddError($"{name}: expected one value, {acceptedForms}.");
            return default!;
        }

        var text = result.Tokens[0].Value;
        if (!tryParse(text, out var value))
        {
            result.AddError($"{name}: '{text}' is not valid; expected {acceptedForms}.");
            return default!;
        }

        return value;
    }
}
