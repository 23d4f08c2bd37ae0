using System.Diagnostics.CodeAnalysis;
using System.Text;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Spegel.Silo.MirrorConfiguration;

/// <summary>
/// Reads and writes containerd's <c>hosts.toml</c>. Reading and writing both go through Tomlyn, so keys and strings are
/// always quoted and escaped correctly; only the layout (a header comment, no empty <c>[host]</c> table) is ours.
/// </summary>
internal static class HostsToml
{
    /// <summary>
    /// How long containerd may spend connecting to a mirror target. The mirror runs on the same node, where a connect
    /// takes well under a millisecond, so 200 ms is generous; without it containerd waits for its default dialer
    /// (30 s) whenever the target's address silently drops packets (pod gone, network policy), on every request.
    /// </summary>
    public const string DialTimeout = "200ms";

    private const string HostKey = "host";
    private const string ServerKey = "server";
    private const string Header = "# Written by spegel configure; spegel cleanup restores what was here before.\n\n";

    private static readonly UTF8Encoding StrictUtf8 = new(
        encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly TomlSerializerOptions WriteOptions = new()
    {
        BlankLineBeforeTableHeaders = true,
        NewLine = TomlNewLineKind.Lf,
    };

    /// <summary>
    /// Parses an existing <c>hosts.toml</c> read from <paramref name="path"/>. Returns <see langword="false"/> with a
    /// message naming the file (and the line, for syntax errors) when it is not UTF-8 TOML, or when <c>server</c> is
    /// not a string or <c>host</c> is not a table of tables, which containerd would reject as well.
    /// </summary>
    public static bool TryParse(
        string path,
        ReadOnlySpan<byte> contents,
        [NotNullWhen(true)] out TomlTable? document,
        [NotNullWhen(false)] out string? error)
    {
        document = null;
        if (!TryDecode(contents, out var text))
        {
            error = $"{path}: the file is not valid UTF-8.";
            return false;
        }

        // Tomlyn 2.11.1's TomlSerializer.Deserialize<TomlTable> keeps the last of two duplicate keys even when
        // DuplicateKeyHandling is Error, so the syntax parser, which validates, checks the file first.
        var syntax = SyntaxParser.Parse(text, path, validate: true);
        if (syntax.HasErrors)
        {
            error = Describe(path, syntax.Diagnostics.First(static d => d.Kind == DiagnosticMessageKind.Error));
            return false;
        }

        try
        {
            document = TomlSerializer.Deserialize<TomlTable>(text, new TomlSerializerOptions { SourceName = path });
        }
        catch (TomlException exception)
        {
            error = $"{path}: line "
                + $"{exception.Line?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}: "
                + $"{exception.Message}";
            return false;
        }

        return HasContainerdShape(path, document ??= new TomlTable(), out error);
    }

    /// <summary>
    /// Renders the <c>hosts.toml</c> for <paramref name="registry"/>: the upstream <c>server</c>, then one host table
    /// per target in order. With <paramref name="existing"/> (prepend mode) its <c>server</c> wins over ours, its other
    /// top-level settings are kept, and its hosts follow ours, except a host that is also one of our targets.
    /// The output is deterministic: the same arguments always give the same text.
    /// </summary>
    public static string Render(string registry, IReadOnlyList<string> targets, bool resolveTags, TomlTable? existing)
    {
        var document = new TomlTable();
        if ((existing?.TryGetValue(ServerKey, out var kept) == true
            ? kept as string
            : UpstreamServer(registry)) is { } server)
        {
            document[ServerKey] = server;
        }

        foreach (var (key, value) in existing ?? new TomlTable())
        {
            if (key is not (ServerKey or HostKey))
            {
                document[key] = value;
            }
        }

        var hosts = new TomlTable();
        foreach (var target in targets)
        {
            hosts[target] = new TomlTable
            {
                ["capabilities"] = resolveTags ? new TomlArray { "pull", "resolve" } : new TomlArray { "pull" },
                ["dial_timeout"] = DialTimeout,
            };
        }

        if (existing?.TryGetValue(HostKey, out var existingHosts) == true)
        {
            foreach (var (key, value) in (TomlTable)existingHosts)
            {
                hosts.TryAdd(key, value);
            }
        }

        document[HostKey] = hosts;
        return Header + WithoutEmptyHostTable(TomlSerializer.Serialize(document, WriteOptions), hosts);
    }

    /// <summary>The upstream containerd falls back to, or <see langword="null"/> for <c>_default</c>.</summary>
    public static string? UpstreamServer(string registry) => registry switch
    {
        MirrorRequestValidator.DefaultRegistry => null,

        // Docker Hub's images are named docker.io/..., but its registry API is served from this host.
        "docker.io" => "https://registry-1.docker.io",
        _ => $"https://{registry}",
    };

    /// <summary>Encodes rendered text as the bytes written to disk (UTF-8 without a byte order mark).</summary>
    public static byte[] Encode(string text) => StrictUtf8.GetBytes(text);

    private static bool TryDecode(ReadOnlySpan<byte> contents, [NotNullWhen(true)] out string? text)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        try
        {
            text = StrictUtf8.GetString(contents.StartsWith(bom) ? contents[bom.Length..] : contents);
            return true;
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8, so not TOML; the caller reports it as a malformed file.
            text = null;
            return false;
        }
    }

    private static string Describe(string path, DiagnosticMessage diagnostic)
    {
        // Tomlyn's syntax positions count lines and columns from zero.
        var line = diagnostic.Span.Start.Line + 1;
        var column = diagnostic.Span.Start.Column + 1;
        return FormattableString.Invariant($"{path}: line {line}, column {column}: {diagnostic.Message}");
    }

    private static bool HasContainerdShape(string path, TomlTable document, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (document.TryGetValue(ServerKey, out var server) && server is not string)
        {
            error = $"{path}: '{ServerKey}' must be a string.";
        }
        else if (document.TryGetValue(HostKey, out var hosts)
            && (hosts is not TomlTable table || table.Any(static pair => pair.Value is not TomlTable)))
        {
            error = $"{path}: '{HostKey}' must hold one table per host, as in [host.\"https://mirror.example\"].";
        }

        return error is null;
    }

    // Tomlyn writes the parent [host] header before the [host."..."] tables. It holds no keys of its own (every entry
    // of hosts is a table), so TOML's implicit parent tables make it redundant; dropping it keeps the file as people
    // write it by hand. The result is parsed again, so a change in Tomlyn's layout fails loudly instead of writing
    // something containerd would read differently.
    private static string WithoutEmptyHostTable(string text, TomlTable hosts)
    {
        const string EmptyHostTable = "\n[host]\n";
        var withLead = "\n" + text;
        var index = withLead.IndexOf(EmptyHostTable, StringComparison.Ordinal);
        var result = index < 0 ? text : withLead.Remove(index, EmptyHostTable.Length).TrimStart('\n');

        var reparsed = TomlSerializer.Deserialize<TomlTable>(result);
        if (reparsed is null
            || !reparsed.TryGetValue(HostKey, out var written)
            || !((TomlTable)written).Keys.SequenceEqual(hosts.Keys, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                "The rendered hosts.toml does not read back with the same hosts in the same order.");
        }

        return result;
    }
}
