using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace McpServers.Documents.Backend.Confluence;

/// <summary>
/// The compact Markdown both Confluence renderers (storage format and ADF) write: each method returns one block, and
/// blocks are joined by a blank line. Inline text is collapsed to single spaces; a line break inside it is <see cref="Break"/>.
/// </summary>
internal static partial class MarkdownBlocks
{
    /// <summary>Stands for a hard line break inside inline text until <see cref="Collapse"/> turns it into a newline.</summary>
    public const char Break = '\u2028';

    public static string Join(IEnumerable<string> blocks) => string.Join("\n\n", blocks.Where(b => b.Length > 0));

    /// <summary>Runs of white space become one space (XHTML's rule), non-breaking spaces too; <see cref="Break"/> becomes a newline.</summary>
    public static string Collapse(string inline) =>
        Whitespace().Replace(inline.Replace('\u00A0', ' '), " ").Replace(" " + Break, Break.ToString(), StringComparison.Ordinal)
            .Replace(Break + " ", Break.ToString(), StringComparison.Ordinal).Trim().Replace(Break, '\n');

    public static string Heading(int level, string text) =>
        text.Length == 0 ? "" : new string('#', Math.Clamp(level, 1, 6)) + " " + text.ReplaceLineEndings(" ");

    /// <summary>A list; each item is its own blocks (nested lists included), continuation lines indented under the marker.</summary>
    public static string List(IEnumerable<IReadOnlyList<string>> items, bool ordered, IReadOnlyList<bool?>? checkedStates = null)
    {
        var lines = new List<string>();
        int n = 1;
        foreach (IReadOnlyList<string> item in items)
        {
            bool? state = checkedStates is not null && n - 1 < checkedStates.Count ? checkedStates[n - 1] : null;
            string marker = ordered ? string.Create(CultureInfo.InvariantCulture, $"{n}. ") : "- ";
            n++;
            string task = state is { } done ? (done ? "[x] " : "[ ] ") : "";
            string body = string.Join("\n", item.Where(b => b.Length > 0));
            lines.Add(marker + task + body.Replace("\n", "\n" + new string(' ', marker.Length), StringComparison.Ordinal));
        }

        return string.Join("\n", lines);
    }

    /// <summary>A pipe table; the first row is the header. Cell text is one line, its pipes escaped.</summary>
    public static string Table(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        if (rows.Count == 0)
        {
            return "";
        }

        int columns = Math.Max(1, rows.Max(r => r.Count));
        var sb = new StringBuilder();
        for (int r = 0; r < rows.Count; r++)
        {
            sb.Append('|');
            for (int c = 0; c < columns; c++)
            {
                string cell = c < rows[r].Count ? rows[r][c] : "";
                sb.Append(' ').Append(cell.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal)).Append(" |");
            }

            sb.Append('\n');
            if (r == 0)
            {
                sb.Append('|').Append(string.Concat(Enumerable.Repeat(" --- |", columns))).Append('\n');
            }
        }

        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>A fenced code block whose fence is longer than any run of backticks in the code.</summary>
    public static string Code(string? language, string code)
    {
        int longest = Backticks().Matches(code).Select(m => m.Length).DefaultIfEmpty(0).Max();
        string fence = new('`', Math.Max(3, longest + 1));
        string lang = language is { Length: > 0 } l && LanguageName().IsMatch(l) ? l : "";
        return fence + lang + "\n" + code.ReplaceLineEndings("\n").Trim('\n') + "\n" + fence;
    }

    /// <summary>Blocks as a block quote, with an optional bold label on the first line (panels: "Info", "Warning").</summary>
    public static string Quote(IEnumerable<string> blocks, string? label = null)
    {
        string body = Join(blocks);
        if (label is { Length: > 0 })
        {
            body = body.Length == 0 ? $"**{label}**" : $"**{label}:** {body}";
        }

        return body.Length == 0 ? "" : "> " + body.Replace("\n", "\n> ", StringComparison.Ordinal);
    }

    public static string Rule => "---";

    /// <summary><c>[text](url)</c> for a web or mail link; the text alone for anything else (javascript:, relative paths).</summary>
    public static string Link(string text, string? href)
    {
        bool web = href is not null && Uri.TryCreate(href, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" or "mailto";
        string label = text.Length > 0 ? text : href ?? "";
        return web ? $"[{label}]({href!.Replace(" ", "%20", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal)})" : label;
    }

    public static string Wrap(string marker, string text) => text.Trim().Length == 0 ? text : marker + text.Trim() + marker;

    [GeneratedRegex("[ \t\r\n]+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("`+")]
    private static partial Regex Backticks();

    [GeneratedRegex("^[A-Za-z0-9_+#.-]{1,30}$")]
    private static partial Regex LanguageName();
}
