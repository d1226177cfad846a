using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace McpServers.Shared.Text;

/// <summary>
/// HTML to compact Markdown: the page is parsed by AngleSharp (no scripting, no resource loading) and its DOM
/// walked by a small converter of our own: headings, paragraphs, nested lists, links, tables, code; scripts,
/// styles, forms and embedded objects are dropped. Nesting deeper than <see cref="MaxDepth"/> is read as plain
/// text so a hostile page cannot exhaust the stack. Used for documents (mcp-documents) and HTML mail (mcp-communication).
/// </summary>
public static class HtmlText
{
    private const int MaxDepth = 100;

    public static async Task ExtractAsync(Stream input, MarkdownOutput output, CancellationToken cancellationToken)
    {
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using IHtmlDocument document = await parser.ParseDocumentAsync(input, cancellationToken).ConfigureAwait(false);
        var converter = new Converter(output);
        converter.Blocks(document.Body ?? document.DocumentElement, 0);
    }

    /// <summary>Converts an HTML string already in memory (e.g. a mail body part).</summary>
    public static void Extract(string html, MarkdownOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using IHtmlDocument document = parser.ParseDocument(html ?? string.Empty);
        new Converter(output).Blocks(document.Body ?? document.DocumentElement, 0);
    }

    /// <summary>Converts the page's body; also used for Confluence storage format and other HTML-like sources.</summary>
    internal sealed class Converter(MarkdownOutput output)
    {
        private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
        {
            "script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "canvas", "math",
            "form", "button", "select", "textarea", "input", "audio", "video", "map",
        };

        private static readonly HashSet<string> BlockContainers = new(StringComparer.Ordinal)
        {
            "div", "section", "article", "main", "header", "footer", "nav", "aside", "figure", "figcaption", "address",
            "details", "summary", "fieldset", "dl", "dt", "dd", "body", "html", "center", "p",
        };

        public void Blocks(INode parent, int depth)
        {
            var inline = new StringBuilder();
            foreach (INode node in parent.ChildNodes)
            {
                if (output.IsFull)
                {
                    return;
                }

                if (node is not IElement element || !IsBlock(element.LocalName))
                {
                    Inline(node, inline, depth + 1);
                    continue;
                }

                Paragraph(inline);
                Block(element, depth + 1);
            }

            Paragraph(inline);
        }

        private static bool IsBlock(string name) =>
            BlockContainers.Contains(name) || name is "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "ul" or "ol" or "table"
                or "pre" or "blockquote" or "hr";

        private void Block(IElement element, int depth)
        {
            if (depth > MaxDepth)
            {
                output.AppendBlock(Collapse(element.TextContent));
                return;
            }

            switch (element.LocalName)
            {
                case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                    output.AppendBlock(new string('#', element.LocalName[1] - '0') + " " + InlineText(element, depth));
                    break;
                case "ul" or "ol":
                    output.EndBlock();
                    List(element, string.Empty, depth);
                    output.EndBlock();
                    break;
                case "table":
                    Table(element, depth);
                    break;
                case "pre":
                    output.AppendBlock(Fenced(element.TextContent));
                    break;
                case "blockquote":
                    var quoted = new MarkdownOutput(Math.Max(1, output.Room), output.CapSetting);
                    new Converter(quoted).Blocks(element, depth);
                    string text = quoted.Finish().Markdown;
                    output.AppendBlock(string.Join('\n', text.Split('\n').Select(line => line.Length == 0 ? ">" : "> " + line)));
                    break;
                case "hr":
                    output.AppendBlock("---");
                    break;
                default:
                    Blocks(element, depth);
                    break;
            }
        }

        private void List(IElement list, string indent, int depth)
        {
            int number = 1;
            foreach (IElement item in list.Children.Where(c => c.LocalName == "li"))
            {
                if (output.IsFull)
                {
                    return;
                }

                string marker = list.LocalName == "ol" ? $"{number++}. " : "- ";
                var text = new StringBuilder();
                var nested = new List<IElement>();
                foreach (INode node in item.ChildNodes)
                {
                    if (node is IElement { LocalName: "ul" or "ol" } sub)
                    {
                        nested.Add(sub);
                    }
                    else
                    {
                        Inline(node, text, depth + 1);
                        text.Append(node is IElement e && IsBlock(e.LocalName) ? " " : string.Empty);
                    }
                }

                output.Append(indent + marker + Collapse(text.ToString()) + "\n");
                foreach (IElement sub in nested)
                {
                    List(sub, indent + new string(' ', marker.Length), depth + 1);
                }
            }
        }

        private void Table(IElement table, int depth)
        {
            if (table is not IHtmlTableElement html)
            {
                return;
            }

            var rows = new List<IReadOnlyList<string>>();
            foreach (IHtmlTableRowElement row in html.Rows.Take(MarkdownOutput.MaxTableRows))
            {
                rows.Add([.. row.Cells.Take(MarkdownOutput.MaxTableColumns).Select(cell => InlineText(cell, depth))]);
            }

            if (html.Rows.Length > MarkdownOutput.MaxTableRows)
            {
                output.Stop(MarkdownOutput.TableRowsReason);
            }

            output.AppendTable(rows);
        }

        private void Paragraph(StringBuilder inline)
        {
            string text = string.Join('\n', inline.ToString().Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));
            output.AppendBlock(text);
            inline.Clear();
        }

        private static string InlineText(INode node, int depth)
        {
            var text = new StringBuilder();
            foreach (INode child in node.ChildNodes)
            {
                Inline(child, text, depth + 1);
                text.Append(child is IElement e && IsBlock(e.LocalName) ? " " : string.Empty);
            }

            return Collapse(text.ToString());
        }

        private static void Inline(INode node, StringBuilder text, int depth)
        {
            if (node is IText textNode)
            {
                text.Append(CollapseSpaces(textNode.Data));
                return;
            }

            if (node is not IElement element || Dropped.Contains(element.LocalName))
            {
                return;
            }

            if (depth > MaxDepth)
            {
                text.Append(CollapseSpaces(element.TextContent));
                return;
            }

            switch (element.LocalName)
            {
                case "br":
                    text.Append('\n');
                    return;
                case "strong" or "b":
                    Wrap(element, text, "**", depth);
                    return;
                case "em" or "i":
                    Wrap(element, text, "*", depth);
                    return;
                case "code" or "kbd" or "samp":
                    string code = CollapseSpaces(element.TextContent).Trim();
                    if (code.Length > 0)
                    {
                        string fence = code.Contains('`', StringComparison.Ordinal) ? "``" : "`";
                        text.Append(fence).Append(code).Append(fence);
                    }

                    return;
                case "a":
                    string label = InlineText(element, depth);
                    string? href = element.GetAttribute("href");
                    text.Append(label.Length > 0 && IsShownLink(href) ? $"[{label}]({href!.Replace(" ", "%20", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal)})" : label);
                    return;
                case "img":
                    string? alt = element.GetAttribute("alt");
                    text.Append(string.IsNullOrWhiteSpace(alt) ? string.Empty : CollapseSpaces(alt));
                    return;
                default:
                    foreach (INode child in element.ChildNodes)
                    {
                        Inline(child, text, depth + 1);
                    }

                    return;
            }
        }

        private static void Wrap(IElement element, StringBuilder text, string mark, int depth)
        {
            string inner = InlineText(element, depth);
            if (inner.Length > 0)
            {
                text.Append(mark).Append(inner).Append(mark);
            }
        }

        /// <summary>Web and mail links and relative ones; script and data URLs are shown as their label only.</summary>
        private static bool IsShownLink(string? href)
        {
            if (string.IsNullOrWhiteSpace(href))
            {
                return false;
            }

            int colon = href.IndexOf(':', StringComparison.Ordinal);
            int slash = href.IndexOfAny(['/', '?', '#']);
            bool hasScheme = colon > 0 && (slash < 0 || colon < slash);
            return !hasScheme || href.StartsWith("http:", StringComparison.OrdinalIgnoreCase)
                || href.StartsWith("https:", StringComparison.OrdinalIgnoreCase) || href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);
        }

        private static string Fenced(string code)
        {
            string fence = "```";
            while (code.Contains(fence, StringComparison.Ordinal))
            {
                fence += "`";
            }

            return fence + "\n" + code.Trim('\n') + "\n" + fence;
        }

        private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

        private static string CollapseSpaces(string text)
        {
            var result = new StringBuilder(text.Length);
            bool space = false;
            foreach (char c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    space = true;
                    continue;
                }

                if (space)
                {
                    result.Append(' ');
                    space = false;
                }

                result.Append(c);
            }

            return space ? result.Append(' ').ToString() : result.ToString();
        }
    }
}
