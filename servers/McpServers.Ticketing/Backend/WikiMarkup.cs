using System.Text;
using System.Text.RegularExpressions;

namespace McpServers.Ticketing.Backend;

/// <summary>
/// Jira Data Center wiki markup ("Text Formatting Notation Help") to and from compact Markdown. Covers headings,
/// bold/italic/monospace, links, lists, quotes, code and noformat blocks, rules and tables; the rest stays literal.
/// </summary>
public static partial class WikiMarkup
{
    public static string ToMarkdown(string wiki)
    {
        ArgumentNullException.ThrowIfNull(wiki);
        var sb = new StringBuilder();
        string[] lines = wiki.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            Match block = CodeStart().Match(line);
            if (block.Success)
            {
                string language = block.Groups["lang"].Success ? block.Groups["lang"].Value : "";
                string rest = line[(block.Index + block.Length)..];
                var code = new List<string>();
                string closing = "{" + block.Groups["kind"].Value + "}";
                int end = rest.IndexOf(closing, StringComparison.Ordinal);
                if (end >= 0)
                {
                    code.Add(rest[..end]);
                }
                else
                {
                    if (rest.Length > 0)
                    {
                        code.Add(rest);
                    }

                    while (++i < lines.Length && !lines[i].Contains(closing, StringComparison.Ordinal))
                    {
                        code.Add(lines[i]);
                    }

                    if (i < lines.Length && lines[i].IndexOf(closing, StringComparison.Ordinal) is > 0 and int at)
                    {
                        code.Add(lines[i][..at]);
                    }
                }

                sb.Append("```").Append(language).Append('\n').AppendJoin('\n', code).Append("\n```\n");
                continue;
            }

            Match m;
            if (line.Trim() == "----")
            {
                sb.Append("---\n");
            }
            else if ((m = Heading().Match(line)).Success)
            {
                sb.Append(new string('#', m.Groups[1].Value[0] - '0')).Append(' ').Append(Inline(m.Groups[2].Value.Trim())).Append('\n');
            }
            else if ((m = ListLine().Match(line)).Success)
            {
                string markers = m.Groups[1].Value;
                string indent = new(' ', (markers.Length - 1) * 2);
                sb.Append(indent).Append(markers[^1] == '#' ? "1. " : "- ").Append(Inline(m.Groups[2].Value)).Append('\n');
            }
            else if (line.StartsWith("bq. ", StringComparison.Ordinal))
            {
                sb.Append("> ").Append(Inline(line[4..])).Append('\n');
            }
            else if (line.StartsWith("||", StringComparison.Ordinal) || line.StartsWith('|'))
            {
                string cells = line.Replace("||", "|", StringComparison.Ordinal).Trim();
                sb.Append(Inline(cells)).Append('\n');
            }
            else
            {
                sb.Append(Inline(line)).Append('\n');
            }
        }

        return sb.ToString().Trim();
    }

    public static string FromMarkdown(string markdown)
    {
        var sb = new StringBuilder();
        foreach (MarkdownBlock block in MarkdownDocument.Parse(markdown))
        {
            switch (block)
            {
                case HeadingBlock h:
                    sb.Append('h').Append((char)('0' + h.Level)).Append(". ").Append(Write(h.Text)).Append('\n');
                    break;
                case ParagraphBlock p:
                    sb.AppendJoin('\n', p.Lines.Select(Write)).Append('\n');
                    break;
                case ListBlock l:
                    foreach (IReadOnlyList<Inline> item in l.Items)
                    {
                        sb.Append(l.Ordered ? "# " : "* ").Append(Write(item)).Append('\n');
                    }

                    break;
                case CodeBlock c:
                    sb.Append(c.Language is null ? "{code}" : "{code:" + c.Language + "}").Append('\n').Append(c.Code).Append("\n{code}\n");
                    break;
                case QuoteBlock q:
                    sb.Append("{quote}\n").AppendJoin('\n', q.Lines.Select(Write)).Append("\n{quote}\n");
                    break;
                default:
                    sb.Append("----\n");
                    break;
            }

            sb.Append('\n');
        }

        return sb.ToString().Trim();
    }

    private static string Write(IReadOnlyList<Inline> inlines) => string.Concat(inlines.Select(i => i.Style switch
    {
        InlineStyle.Strong => "*" + i.Text + "*",
        InlineStyle.Emphasis => "_" + i.Text + "_",
        InlineStyle.Code => "{{" + i.Text + "}}",
        InlineStyle.Link => "[" + i.Text + "|" + i.Href + "]",
        _ => i.Text,
    }));

    private static string Inline(string text)
    {
        text = Monospace().Replace(text, "`$1`");
        text = Link().Replace(text, m => m.Groups["label"].Success ? $"[{m.Groups["label"].Value}]({m.Groups["href"].Value})" : m.Groups["href"].Value);
        text = Bold().Replace(text, "**$1**");
        return text;
    }

    [GeneratedRegex(@"^\{(?<kind>code|noformat)(?::(?<lang>[A-Za-z0-9+#_-]+)[^}]*|[^}]*)\}")]
    private static partial Regex CodeStart();

    [GeneratedRegex(@"^h([1-6])\.\s*(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*([*#-]+)\s+(.*)$")]
    private static partial Regex ListLine();

    [GeneratedRegex(@"\{\{(.+?)\}\}")]
    private static partial Regex Monospace();

    [GeneratedRegex(@"\[(?:(?<label>[^|\]]+)\|)?(?<href>(?:https?|mailto):[^\]\s]+)\]")]
    private static partial Regex Link();

    [GeneratedRegex(@"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])")]
    private static partial Regex Bold();
}
