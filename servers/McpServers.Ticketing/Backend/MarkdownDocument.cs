using System.Text.RegularExpressions;

namespace McpServers.Ticketing.Backend;

/// <summary>A block of the small Markdown subset the model writes: headings, paragraphs, lists, code, quotes, rules.</summary>
public abstract record MarkdownBlock;

public sealed record HeadingBlock(int Level, IReadOnlyList<Inline> Text) : MarkdownBlock;

public sealed record ParagraphBlock(IReadOnlyList<IReadOnlyList<Inline>> Lines) : MarkdownBlock;

public sealed record ListBlock(bool Ordered, IReadOnlyList<IReadOnlyList<Inline>> Items) : MarkdownBlock;

public sealed record CodeBlock(string? Language, string Code) : MarkdownBlock;

public sealed record QuoteBlock(IReadOnlyList<IReadOnlyList<Inline>> Lines) : MarkdownBlock;

public sealed record RuleBlock : MarkdownBlock;

public enum InlineStyle
{
    Plain,
    Strong,
    Emphasis,
    Code,
    Link,
}

/// <summary>A run of inline text; <see cref="Href"/> only for links.</summary>
public sealed record Inline(InlineStyle Style, string Text, string? Href = null);

/// <summary>
/// Parses the Markdown subset both Jira writers (ADF for Cloud, wiki markup for Data Center) render. Anything else
/// stays plain text, so unusual input degrades to literal text instead of failing.
/// </summary>
public static partial class MarkdownDocument
{
    public static IReadOnlyList<MarkdownBlock> Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<MarkdownBlock>();
        var paragraph = new List<IReadOnlyList<Inline>>();
        int i = 0;

        void FlushParagraph()
        {
            if (paragraph.Count > 0)
            {
                blocks.Add(new ParagraphBlock([.. paragraph]));
                paragraph.Clear();
            }
        }

        while (i < lines.Length)
        {
            string line = lines[i];
            string trimmed = line.Trim();
            Match m;
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                FlushParagraph();
                string language = trimmed[3..].Trim();
                var code = new List<string>();
                i++;
                while (i < lines.Length && !lines[i].Trim().StartsWith("```", StringComparison.Ordinal))
                {
                    code.Add(lines[i++]);
                }

                i++;
                blocks.Add(new CodeBlock(language.Length == 0 ? null : language, string.Join('\n', code)));
                continue;
            }

            if (trimmed.Length == 0)
            {
                FlushParagraph();
            }
            else if ((m = HeadingLine().Match(trimmed)).Success)
            {
                FlushParagraph();
                blocks.Add(new HeadingBlock(m.Groups[1].Length, Inlines(m.Groups[2].Value)));
            }
            else if (RuleLine().IsMatch(trimmed))
            {
                FlushParagraph();
                blocks.Add(new RuleBlock());
            }
            else if (trimmed.StartsWith('>'))
            {
                FlushParagraph();
                var quote = new List<IReadOnlyList<Inline>>();
                while (i < lines.Length && lines[i].TrimStart().StartsWith('>'))
                {
                    quote.Add(Inlines(lines[i].TrimStart()[1..].Trim()));
                    i++;
                }

                blocks.Add(new QuoteBlock(quote));
                continue;
            }
            else if (ListItem().Match(line) is { Success: true } item)
            {
                FlushParagraph();
                bool ordered = char.IsDigit(item.Groups[1].Value[0]);
                var items = new List<IReadOnlyList<Inline>>();
                while (i < lines.Length && ListItem().Match(lines[i]) is { Success: true } next && char.IsDigit(next.Groups[1].Value[0]) == ordered)
                {
                    items.Add(Inlines(next.Groups[2].Value.Trim()));
                    i++;
                }

                blocks.Add(new ListBlock(ordered, items));
                continue;
            }
            else
            {
                paragraph.Add(Inlines(trimmed));
            }

            i++;
        }

        FlushParagraph();
        return blocks;
    }

    public static IReadOnlyList<Inline> Inlines(string text)
    {
        var result = new List<Inline>();
        int at = 0;
        foreach (Match m in InlineToken().Matches(text))
        {
            if (m.Index > at)
            {
                result.Add(new Inline(InlineStyle.Plain, text[at..m.Index]));
            }

            if (m.Groups["strong"].Success)
            {
                result.Add(new Inline(InlineStyle.Strong, m.Groups["strong"].Value));
            }
            else if (m.Groups["code"].Success)
            {
                result.Add(new Inline(InlineStyle.Code, m.Groups["code"].Value));
            }
            else if (m.Groups["label"].Success)
            {
                result.Add(new Inline(InlineStyle.Link, m.Groups["label"].Value, m.Groups["href"].Value));
            }
            else
            {
                result.Add(new Inline(InlineStyle.Emphasis, m.Groups["em"].Value));
            }

            at = m.Index + m.Length;
        }

        if (at < text.Length)
        {
            result.Add(new Inline(InlineStyle.Plain, text[at..]));
        }

        return result;
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^(-{3,}|\*{3,}|_{3,})$")]
    private static partial Regex RuleLine();

    [GeneratedRegex(@"^\s*([-*+]|\d{1,3}[.)])\s+(.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"\*\*(?<strong>[^*]+)\*\*|`(?<code>[^`]+)`|\[(?<label>[^\]]+)\]\((?<href>https?://[^)\s]+)\)|(?<![\w*])[*_](?<em>[^*_\s][^*_]*)[*_](?![\w*])")]
    private static partial Regex InlineToken();
}
