using System.Text;
using System.Text.Json;

namespace McpServers.Documents.Backend.Confluence;

/// <summary>
/// Atlassian Document Format (Confluence Cloud's <c>atlas_doc_format</c> body) to compact Markdown, read-only. Node and
/// mark names follow Atlassian's "Atlassian Document Format — document structure". Extensions (macros) are named
/// (<c>[macro: key]</c>) and unknown nodes keep their text, so nothing disappears silently.
/// </summary>
internal static class AdfFormat
{
    private const int MaxDepth = 64;

    /// <summary>The document; a body that is not JSON becomes an <see cref="InvalidOperationException"/> for the caller.</summary>
    public static string ToMarkdown(string adf)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(adf, new JsonDocumentOptions { MaxDepth = MaxDepth * 2 });
            return MarkdownBlocks.Join(Blocks(document.RootElement, 0));
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException("The ADF body is not JSON.", e);
        }
    }

    private static List<string> Blocks(JsonElement parent, int depth)
    {
        var blocks = new List<string>();
        var inline = new StringBuilder();
        foreach (JsonElement node in Content(parent))
        {
            if (depth < MaxDepth && Block(node, depth + 1) is { } block)
            {
                Flush(blocks, inline);
                blocks.Add(block);
            }
            else
            {
                inline.Append(Inline(node));
            }
        }

        Flush(blocks, inline);
        return blocks;
    }

    private static void Flush(List<string> blocks, StringBuilder inline)
    {
        string text = MarkdownBlocks.Collapse(inline.ToString());
        if (text.Length > 0)
        {
            blocks.Add(text);
        }

        inline.Clear();
    }

    private static string? Block(JsonElement node, int depth) => Type(node) switch
    {
        "paragraph" => MarkdownBlocks.Collapse(InlineText(node)),
        "heading" => MarkdownBlocks.Heading(Attr(node, "level") is { ValueKind: JsonValueKind.Number } l && l.TryGetInt32(out int level) ? level : 1,
            MarkdownBlocks.Collapse(InlineText(node))),
        "bulletList" or "orderedList" => MarkdownBlocks.List(Content(node).Select(item => Blocks(item, depth)), Type(node) == "orderedList"),
        "taskList" => MarkdownBlocks.List(Content(node).Select(item => (IReadOnlyList<string>)[MarkdownBlocks.Collapse(InlineText(item))]), false,
            [.. Content(node).Select(item => (bool?)(AttrText(item, "state") == "DONE"))]),
        "codeBlock" => MarkdownBlocks.Code(AttrText(node, "language"), string.Concat(Content(node).Select(t => Text(t)))),
        "blockquote" => MarkdownBlocks.Quote(Blocks(node, depth)),
        "panel" => MarkdownBlocks.Quote(Blocks(node, depth), Title(AttrText(node, "panelType") ?? "panel")),
        "expand" or "nestedExpand" => MarkdownBlocks.Join([MarkdownBlocks.Wrap("**", AttrText(node, "title") ?? "Expand"), .. Blocks(node, depth)]),
        "rule" => MarkdownBlocks.Rule,
        "table" => MarkdownBlocks.Table([.. Content(node).Select(row =>
            (IReadOnlyList<string>)[.. Content(row).Select(cell => string.Join(" ", Blocks(cell, depth)))])]),
        "mediaSingle" or "mediaGroup" => string.Join(" ", Content(node).Select(Inline)),
        "extension" or "bodiedExtension" => MarkdownBlocks.Join([$"[macro: {AttrText(node, "extensionKey") ?? "unnamed"}]", .. Blocks(node, depth)]),
        "doc" or "layoutSection" or "layoutColumn" or "listItem" or "tableCell" or "tableHeader" or "decisionList" => MarkdownBlocks.Join(Blocks(node, depth)),
        _ => null,
    };

    private static string Inline(JsonElement node) => Type(node) switch
    {
        "text" => Marked(node),
        "hardBreak" => MarkdownBlocks.Break.ToString(),
        "mention" => AttrText(node, "text") ?? "@someone",
        "emoji" => AttrText(node, "text") ?? AttrText(node, "shortName") ?? "",
        "status" => $"[status: {AttrText(node, "text")}]",
        "date" => AttrText(node, "timestamp") is { } ms && long.TryParse(ms, out long t)
            ? DateTimeOffset.FromUnixTimeMilliseconds(t).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "",
        "inlineCard" or "blockCard" or "embedCard" => MarkdownBlocks.Link(AttrText(node, "url") ?? "", AttrText(node, "url")),
        "media" => $"[{(AttrText(node, "type") == "file" ? "attachment" : "image")}: {AttrText(node, "alt") ?? AttrText(node, "id") ?? "unnamed"}]",
        "inlineExtension" => $"[macro: {AttrText(node, "extensionKey") ?? "unnamed"}]",
        _ => InlineText(node),
    };

    private static string InlineText(JsonElement node) => string.Concat(Content(node).Select(Inline));

    /// <summary>A text node with its marks: strong, em, code, strike, link (web and mail links only).</summary>
    private static string Marked(JsonElement node)
    {
        string text = Text(node);
        if (!node.TryGetProperty("marks", out JsonElement marks) || marks.ValueKind != JsonValueKind.Array)
        {
            return text;
        }

        foreach (JsonElement mark in marks.EnumerateArray())
        {
            text = Type(mark) switch
            {
                "strong" => MarkdownBlocks.Wrap("**", text),
                "em" => MarkdownBlocks.Wrap("*", text),
                "strike" => MarkdownBlocks.Wrap("~~", text),
                "code" => MarkdownBlocks.Wrap("`", text),
                "link" => MarkdownBlocks.Link(text, AttrText(mark, "href")),
                _ => text,
            };
        }

        return text;
    }

    private static JsonElement[] Content(JsonElement node) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty("content", out JsonElement c) && c.ValueKind == JsonValueKind.Array ? [.. c.EnumerateArray()] : [];

    private static string Type(JsonElement node) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";

    private static string Text(JsonElement node) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";

    private static JsonElement? Attr(JsonElement node, string name) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty("attrs", out JsonElement a) && a.ValueKind == JsonValueKind.Object && a.TryGetProperty(name, out JsonElement v) ? v : null;

    private static string? AttrText(JsonElement node, string name) => Attr(node, name) is { } v
        ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null }
        : null;

    private static string Title(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];
}
