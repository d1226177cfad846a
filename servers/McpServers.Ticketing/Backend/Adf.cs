using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpServers.Ticketing.Backend;

/// <summary>
/// Atlassian Document Format (Jira Cloud bodies) to and from compact Markdown. Node and mark names follow
/// "Atlassian Document Format — document structure" (developer.atlassian.com/cloud/jira/platform/apis/document).
/// Unknown nodes keep their text, so nothing written in Jira silently disappears.
/// </summary>
public static class Adf
{
    public static string ToMarkdown(JsonElement document)
    {
        var sb = new StringBuilder();
        Blocks(document, sb, "");
        return sb.ToString().Trim();
    }

    public static JsonObject FromMarkdown(string markdown)
    {
        var content = new JsonArray();
        foreach (MarkdownBlock block in MarkdownDocument.Parse(markdown))
        {
            content.Add((JsonNode)Block(block));
        }

        return new JsonObject { ["type"] = "doc", ["version"] = 1, ["content"] = content };
    }

    private static void Blocks(JsonElement node, StringBuilder sb, string indent)
    {
        if (!node.TryGetProperty("content", out JsonElement children) || children.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        int ordinal = 1;
        foreach (JsonElement child in children.EnumerateArray())
        {
            string type = Type(child);
            switch (type)
            {
                case "paragraph":
                    sb.Append(indent).Append(InlineText(child)).Append("\n\n");
                    break;
                case "heading":
                    int level = child.TryGetProperty("attrs", out JsonElement a) && a.TryGetProperty("level", out JsonElement l) && l.TryGetInt32(out int v) ? Math.Clamp(v, 1, 6) : 1;
                    sb.Append(new string('#', level)).Append(' ').Append(InlineText(child)).Append("\n\n");
                    break;
                case "bulletList":
                case "orderedList":
                    foreach (JsonElement item in Children(child))
                    {
                        string marker = type == "bulletList" ? "- " : string.Create(CultureInfo.InvariantCulture, $"{ordinal++}. ");
                        var itemText = new StringBuilder();
                        Blocks(item, itemText, "");
                        sb.Append(indent).Append(marker).Append(itemText.ToString().Trim().Replace("\n\n", "\n", StringComparison.Ordinal)
                            .Replace("\n", "\n" + indent + "  ", StringComparison.Ordinal)).Append('\n');
                    }

                    ordinal = 1;
                    sb.Append('\n');
                    break;
                case "codeBlock":
                    string language = child.TryGetProperty("attrs", out JsonElement ca) && ca.TryGetProperty("language", out JsonElement lang) && lang.ValueKind == JsonValueKind.String ? lang.GetString()! : "";
                    sb.Append("```").Append(language).Append('\n').Append(PlainText(child)).Append("\n```\n\n");
                    break;
                case "blockquote":
                case "panel":
                    var quoted = new StringBuilder();
                    Blocks(child, quoted, "");
                    foreach (string line in quoted.ToString().Trim().Split('\n'))
                    {
                        sb.Append("> ").Append(line).Append('\n');
                    }

                    sb.Append('\n');
                    break;
                case "rule":
                    sb.Append("---\n\n");
                    break;
                case "table":
                    foreach (JsonElement row in Children(child))
                    {
                        sb.Append("| ").AppendJoin(" | ", Children(row).Select(cell =>
                        {
                            var cellText = new StringBuilder();
                            Blocks(cell, cellText, "");
                            return cellText.ToString().Trim().Replace("\n", " ", StringComparison.Ordinal);
                        })).Append(" |\n");
                    }

                    sb.Append('\n');
                    break;
                case "mediaSingle":
                case "mediaGroup":
                    sb.Append("[attachment]\n\n");
                    break;
                default:
                    if (child.TryGetProperty("content", out _))
                    {
                        Blocks(child, sb, indent);
                    }
                    else
                    {
                        string text = Type(child) == "text" ? Marked(child) : "";
                        if (text.Length > 0)
                        {
                            sb.Append(text).Append("\n\n");
                        }
                    }

                    break;
            }
        }
    }

    private static string InlineText(JsonElement node)
    {
        var sb = new StringBuilder();
        foreach (JsonElement child in Children(node))
        {
            switch (Type(child))
            {
                case "text":
                    sb.Append(Marked(child));
                    break;
                case "hardBreak":
                    sb.Append('\n');
                    break;
                case "mention":
                    sb.Append('@').Append(Attr(child, "text")?.TrimStart('@') ?? "user");
                    break;
                case "emoji":
                    sb.Append(Attr(child, "text") ?? Attr(child, "shortName") ?? "");
                    break;
                case "inlineCard":
                    sb.Append(Attr(child, "url") ?? "");
                    break;
                case "date":
                    if (long.TryParse(Attr(child, "timestamp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long ms))
                    {
                        sb.Append(DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    }

                    break;
                case "status":
                    sb.Append('[').Append(Attr(child, "text")).Append(']');
                    break;
                default:
                    sb.Append(InlineText(child));
                    break;
            }
        }

        return sb.ToString();
    }

    private static string Marked(JsonElement textNode)
    {
        string text = textNode.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        if (!textNode.TryGetProperty("marks", out JsonElement marks) || marks.ValueKind != JsonValueKind.Array)
        {
            return text;
        }

        foreach (JsonElement mark in marks.EnumerateArray())
        {
            text = Type(mark) switch
            {
                "strong" => $"**{text}**",
                "em" => $"_{text}_",
                "code" => $"`{text}`",
                "strike" => $"~~{text}~~",
                "link" when Attr(mark, "href") is { } href => $"[{text}]({href})",
                _ => text,
            };
        }

        return text;
    }

    private static string PlainText(JsonElement node)
    {
        var sb = new StringBuilder();
        foreach (JsonElement child in Children(node))
        {
            if (child.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String)
            {
                sb.Append(t.GetString());
            }
            else
            {
                sb.Append(PlainText(child));
            }
        }

        return sb.ToString();
    }

    private static JsonElement.ArrayEnumerator Children(JsonElement node) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty("content", out JsonElement c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray()
            : default;

    private static string Type(JsonElement node) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";

    private static string? Attr(JsonElement node, string name)
    {
        if (!node.TryGetProperty("attrs", out JsonElement attrs) || attrs.ValueKind != JsonValueKind.Object || !attrs.TryGetProperty(name, out JsonElement v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
    }

    private static JsonObject Block(MarkdownBlock block) => block switch
    {
        HeadingBlock h => Node("heading", Text(h.Text), new JsonObject { ["level"] = h.Level }),
        ParagraphBlock p => Node("paragraph", Lines(p.Lines)),
        ListBlock l => Node(l.Ordered ? "orderedList" : "bulletList",
            [.. l.Items.Select(item => (JsonNode)Node("listItem", [Node("paragraph", Text(item))]))]),
        CodeBlock c => Node("codeBlock", c.Code.Length == 0 ? [] : [TextNode(c.Code)],
            c.Language is null ? null : new JsonObject { ["language"] = c.Language }),
        QuoteBlock q => Node("blockquote", [Node("paragraph", Lines(q.Lines))]),
        _ => new JsonObject { ["type"] = "rule" },
    };

    private static JsonNode[] Lines(IReadOnlyList<IReadOnlyList<Inline>> lines)
    {
        var nodes = new List<JsonNode>();
        for (int i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                nodes.Add(new JsonObject { ["type"] = "hardBreak" });
            }

            nodes.AddRange(Text(lines[i]));
        }

        return [.. nodes];
    }

    private static JsonNode[] Text(IReadOnlyList<Inline> inlines) =>
        [.. inlines.Where(i => i.Text.Length > 0).Select(i => (JsonNode)(i.Style switch
        {
            InlineStyle.Strong => TextNode(i.Text, new JsonObject { ["type"] = "strong" }),
            InlineStyle.Emphasis => TextNode(i.Text, new JsonObject { ["type"] = "em" }),
            InlineStyle.Code => TextNode(i.Text, new JsonObject { ["type"] = "code" }),
            InlineStyle.Link => TextNode(i.Text, new JsonObject { ["type"] = "link", ["attrs"] = new JsonObject { ["href"] = i.Href } }),
            _ => TextNode(i.Text),
        }))];

    private static JsonObject TextNode(string text, JsonObject? mark = null)
    {
        var node = new JsonObject { ["type"] = "text", ["text"] = text };
        if (mark is not null)
        {
            node["marks"] = new JsonArray(mark);
        }

        return node;
    }

    private static JsonObject Node(string type, JsonNode[] content, JsonObject? attrs = null)
    {
        var node = new JsonObject { ["type"] = type };
        if (attrs is not null)
        {
            node["attrs"] = attrs;
        }

        node["content"] = new JsonArray(content);
        return node;
    }
}
