using System.Globalization;
using System.Text;
using System.Text.Json;

namespace McpServers.Shared.Validation;

/// <summary>Builds parameter paths and the short, deterministic phrases used in error messages.</summary>
internal static class ErrorText
{
    // Long enough to recognise a value, short enough never to dump a document back at the model.
    private const int MaxQuoted = 40;

    private const int MaxListed = 20;

    /// <summary>"filters" + "op" → "filters.op"; names that are not identifiers use ["..."] so the path stays unambiguous.</summary>
    public static string Child(string parent, string name)
    {
        bool identifier = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or '$')
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '-');
        if (!identifier)
        {
            return parent + "[" + Quote(name, int.MaxValue) + "]";
        }

        return parent.Length == 0 ? name : parent + "." + name;
    }

    public static string Index(string parent, int index) => parent + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>How a message names the value: "`period`", or "the value" for the root.</summary>
    public static string Subject(string path) => path.Length == 0 ? "the value" : "`" + path + "`";

    /// <summary>"parameter" for top-level names, "property" for names inside nested objects.</summary>
    public static string MemberWord(string parentPath) => parentPath.Length == 0 ? "parameter" : "property";

    /// <summary>A short rendering of a received value: "\"2026-5\"", "9000", "an object", "an array of 3 items".</summary>
    public static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Quote(value.GetString() ?? string.Empty, MaxQuoted),
        JsonValueKind.Number => Truncate(value.GetRawText()),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => value.GetArrayLength() == 1 ? "an array of 1 item"
            : "an array of " + value.GetArrayLength().ToString(CultureInfo.InvariantCulture) + " items",
        _ => "nothing",
    };

    /// <summary>A schema value for a message (enum members, const): strings bare when that is unambiguous.</summary>
    public static string Literal(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            string s = value.GetString() ?? string.Empty;
            bool plain = s.Length > 0 && s.Length <= MaxQuoted && !s.Contains(',', StringComparison.Ordinal)
                && s.All(c => !char.IsWhiteSpace(c) && !char.IsControl(c) && c != '"');
            return plain ? s : Quote(s, MaxQuoted);
        }

        return Truncate(SchemaCompiler.Compact(value));
    }

    public static string List(IEnumerable<string> items)
    {
        var all = items.ToList();
        string shown = string.Join(", ", all.Take(MaxListed));
        return all.Count > MaxListed
            ? shown + ", … (" + (all.Count - MaxListed).ToString(CultureInfo.InvariantCulture) + " more)"
            : shown;
    }

    public static string Types(JsonTypes types)
    {
        var names = new List<string>();
        if (types.HasFlag(JsonTypes.String)) { names.Add("a string"); }
        if (types.HasFlag(JsonTypes.Number)) { names.Add("a number"); }
        else if (types.HasFlag(JsonTypes.Integer)) { names.Add("an integer"); }
        if (types.HasFlag(JsonTypes.Boolean)) { names.Add("a boolean"); }
        if (types.HasFlag(JsonTypes.Object)) { names.Add("an object"); }
        if (types.HasFlag(JsonTypes.Array)) { names.Add("an array"); }
        if (types.HasFlag(JsonTypes.Null)) { names.Add("null"); }
        return names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
    }

    public static string Truncate(string text) => text.Length <= MaxQuoted ? text : string.Concat(text.AsSpan(0, MaxQuoted - 1), "…");

    /// <summary>JSON-style quoting (control characters escaped) after cutting to <paramref name="max"/> characters.</summary>
    public static string Quote(string text, int max)
    {
        string cut = text.Length <= max ? text : Shared.Text.TextHygiene.Truncate(text, max);
        var sb = new StringBuilder(cut.Length + 2).Append('"');
        foreach (char c in cut)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || c is >= '\u2028' and <= '\u202E' or >= '\u2066' and <= '\u2069')
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
