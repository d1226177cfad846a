using System.Text;
using System.Text.RegularExpressions;

namespace McpServers.Documents.Backend.Confluence;

/// <summary>
/// The Markdown the model writes to Confluence storage format: headings, paragraphs, bullet and numbered lists, fenced
/// code (the <c>code</c> macro), block quotes, rules, pipe tables, and inline bold, italic, code and web links.
/// Everything the model wrote is text: it is XML-escaped (<c>&lt;script&gt;</c> and <c>&lt;ac:structured-macro&gt;</c>
/// stay visible characters), and code goes into CDATA with <c>]]&gt;</c> split, so no input becomes markup or a macro.
/// </summary>
internal static partial class MarkdownToStorage
{
    /// <summary>Block quotes nested deeper than this are written as quoted text (each level converts the rest again).</summary>
    internal const int MaxQuoteDepth = 8;

    public static string Convert(string markdown) => Convert(markdown, 0);

    private static string Convert(string markdown, int depth)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var output = new StringBuilder();
        int i = 0;
        while (i < lines.Length)
        {
            string line = lines[i];
            string trimmed = line.Trim();
            Match m;
            if (trimmed.Length == 0)
            {
                i++;
            }
            else if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                string language = trimmed.TrimStart('`').Trim();
                var code = new List<string>();
                for (i++; i < lines.Length && !lines[i].Trim().StartsWith("```", StringComparison.Ordinal); i++)
                {
                    code.Add(lines[i]);
                }

                i++;
                output.Append("<ac:structured-macro ac:name=\"code\">");
                if (Language().IsMatch(language))
                {
                    output.Append("<ac:parameter ac:name=\"language\">").Append(language).Append("</ac:parameter>");
                }

                output.Append("<ac:plain-text-body><![CDATA[").Append(Controls().Replace(string.Join('\n', code), "").Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal))
                    .Append("]]></ac:plain-text-body></ac:structured-macro>");
            }
            else if ((m = HeadingLine().Match(trimmed)).Success)
            {
                int level = m.Groups[1].Length;
                output.Append("<h").Append(level).Append('>').Append(Inline(m.Groups[2].Value.TrimEnd('#', ' '))).Append("</h").Append(level).Append('>');
                i++;
            }
            else if (RuleLine().IsMatch(trimmed))
            {
                output.Append("<hr />");
                i++;
            }
            else if (trimmed.StartsWith('>') && depth < MaxQuoteDepth)
            {
                var quoted = new List<string>();
                for (; i < lines.Length && lines[i].TrimStart().StartsWith('>'); i++)
                {
                    quoted.Add(lines[i].TrimStart()[1..].Trim());
                }

                output.Append("<blockquote>").Append(Convert(string.Join('\n', quoted), depth + 1)).Append("</blockquote>");
            }
            else if (ListItem().Match(line) is { Success: true } first)
            {
                bool ordered = char.IsDigit(first.Groups[2].Value[0]);
                output.Append(ordered ? "<ol>" : "<ul>");
                for (; i < lines.Length && ListItem().Match(lines[i]) is { Success: true } item && char.IsDigit(item.Groups[2].Value[0]) == ordered; i++)
                {
                    output.Append("<li>").Append(Inline(item.Groups[3].Value)).Append("</li>");
                }

                output.Append(ordered ? "</ol>" : "</ul>");
            }
            else if (trimmed.StartsWith('|') && i + 1 < lines.Length && TableSeparator().IsMatch(lines[i + 1].Trim()))
            {
                output.Append("<table><tbody>").Append(Row(trimmed, "th"));
                for (i += 2; i < lines.Length && lines[i].Trim().StartsWith('|'); i++)
                {
                    output.Append(Row(lines[i].Trim(), "td"));
                }

                output.Append("</tbody></table>");
            }
            else
            {
                var paragraph = new List<string>();
                for (; i < lines.Length && lines[i].Trim().Length > 0 && !StartsBlock(lines, i); i++)
                {
                    paragraph.Add(lines[i].Trim());
                }

                if (paragraph.Count == 0)
                {
                    paragraph.Add(lines[i++].Trim());
                }

                output.Append("<p>").Append(Inline(string.Join(' ', paragraph))).Append("</p>");
            }
        }

        return output.ToString();
    }

    private static bool StartsBlock(string[] lines, int i)
    {
        string t = lines[i].Trim();
        return t.StartsWith("```", StringComparison.Ordinal) || HeadingLine().IsMatch(t) || RuleLine().IsMatch(t) || t.StartsWith('>')
            || ListItem().IsMatch(lines[i]) || (t.StartsWith('|') && i + 1 < lines.Length && TableSeparator().IsMatch(lines[i + 1].Trim()));
    }

    private static string Row(string line, string cell)
    {
        string inner = line.Trim().Trim('|');
        string[] cells = UnescapedPipe().Split(inner);
        var sb = new StringBuilder("<tr>");
        foreach (string c in cells)
        {
            sb.Append('<').Append(cell).Append('>').Append(Inline(c.Trim().Replace("\\|", "|", StringComparison.Ordinal))).Append("</").Append(cell).Append('>');
        }

        return sb.Append("</tr>").ToString();
    }

    /// <summary>Inline Markdown: code spans, bold, italic, links; every other character is XML-escaped text.</summary>
    internal static string Inline(string text)
    {
        var sb = new StringBuilder();
        int at = 0;
        foreach (Match m in InlineToken().Matches(text))
        {
            sb.Append(Escape(text[at..m.Index]));
            if (m.Groups["code"].Success)
            {
                sb.Append("<code>").Append(Escape(m.Groups["code"].Value)).Append("</code>");
            }
            else if (m.Groups["strong"].Success)
            {
                sb.Append("<strong>").Append(Inline(m.Groups["strong"].Value)).Append("</strong>");
            }
            else if (m.Groups["em"].Success)
            {
                sb.Append("<em>").Append(Inline(m.Groups["em"].Value)).Append("</em>");
            }
            else
            {
                string href = m.Groups["href"].Value;
                bool web = Uri.TryCreate(href, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" or "mailto";
                sb.Append(web ? "<a href=\"" + Escape(href) + "\">" + Inline(m.Groups["label"].Value) + "</a>" : Escape(m.Value));
            }

            at = m.Index + m.Length;
        }

        return sb.Append(Escape(text[at..])).ToString();
    }

    /// <summary>XML text and attribute escaping; control characters XML 1.0 cannot carry are dropped.</summary>
    internal static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case < ' ' and not ('\t' or '\n' or '\r'): break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^(\*\s*){3,}$|^(-\s*){3,}$|^(_\s*){3,}$")]
    private static partial Regex RuleLine();

    [GeneratedRegex(@"^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")]
    private static partial Regex TableSeparator();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();

    [GeneratedRegex(@"`(?<code>[^`]+)`|\*\*(?<strong>[^*]+)\*\*|(?<![\w*])[*_](?<em>[^*_\s][^*_]*)[*_](?![\w*])|\[(?<label>[^\]]+)\]\((?<href>[^)\s]+)\)")]
    private static partial Regex InlineToken();

    [GeneratedRegex(@"[\x00-\x08\x0B\x0C\x0E-\x1F]")]
    private static partial Regex Controls();

    [GeneratedRegex("^[A-Za-z0-9_+#.-]{1,30}$")]
    private static partial Regex Language();
}
