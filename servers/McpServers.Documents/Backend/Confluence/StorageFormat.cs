using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace McpServers.Documents.Backend.Confluence;

/// <summary>
/// Confluence storage format (XHTML with <c>ac:</c> macros and <c>ri:</c> resource identifiers; Atlassian's "Confluence
/// storage format" page) to compact Markdown: headings, paragraphs, lists and task lists, tables, code and noformat
/// macros as fences, panel macros (info, note, warning, tip, panel) as block quotes, links, images and attachments as
/// <c>[image: name]</c> / <c>[attachment: name]</c>. Other macros are named (<c>[macro: toc]</c>), their body kept. A body
/// that is not well-formed falls back to its text. No DTD, no external entity is ever read.
/// </summary>
internal static partial class StorageFormat
{
    private static readonly XNamespace Ac = "urn:confluence:ac";
    private static readonly XNamespace Ri = "urn:confluence:ri";
    private static readonly string[] Panels = ["info", "note", "warning", "tip", "panel", "success", "error"];
    private static readonly string[] InlineMacros = ["status", "jira", "anchor", "mention"];
    private static readonly string[] XmlEntities = ["amp", "lt", "gt", "quot", "apos"];

    public static string ToMarkdown(string storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        XElement root;
        try
        {
            string xml = $"<root xmlns:ac=\"{Ac.NamespaceName}\" xmlns:ri=\"{Ri.NamespaceName}\" xmlns:at=\"urn:confluence:at\">{HtmlEntities(storage)}</root>";
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreProcessingInstructions = true };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            root = XElement.Load(reader, LoadOptions.None);
        }
        catch (XmlException)
        {
            return PlainText(storage);
        }

        // The renderer recurses once per nesting level: a page nested deeper than any real layout (a hostile editor's
        // 100 000 <div>s) is read as plain text rather than overflowing the stack, which no handler could catch.
        return NestedDeeperThan(root, MaxDepth) ? PlainText(storage) : MarkdownBlocks.Join(Blocks(root));
    }

    /// <summary>Deepest element nesting the renderer follows; real pages stay far below it.</summary>
    internal const int MaxDepth = 64;

    private static string PlainText(string storage) => MarkdownBlocks.Collapse(WebUtility.HtmlDecode(Tags().Replace(storage, " ")));

    private static bool NestedDeeperThan(XElement root, int limit)
    {
        var pending = new Stack<(XElement Element, int Depth)>();
        pending.Push((root, 0));
        while (pending.TryPop(out (XElement Element, int Depth) next))
        {
            if (next.Depth > limit)
            {
                return true;
            }

            foreach (XElement child in next.Element.Elements())
            {
                pending.Push((child, next.Depth + 1));
            }
        }

        return false;
    }

    /// <summary>HTML named entities (<c>&amp;nbsp;</c>, <c>&amp;eacute;</c>) are not XML's: they become the characters they name.</summary>
    private static string HtmlEntities(string storage) => NamedEntity().Replace(storage, m =>
    {
        if (XmlEntities.Contains(m.Groups[1].Value, StringComparer.Ordinal))
        {
            return m.Value;
        }

        string decoded = WebUtility.HtmlDecode(m.Value);
        return decoded == m.Value ? "&amp;" + m.Value[1..]
            : decoded.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    });

    private static List<string> Blocks(XElement container)
    {
        var blocks = new List<string>();
        var inline = new StringBuilder();
        void Flush()
        {
            string text = MarkdownBlocks.Collapse(inline.ToString());
            if (text.Length > 0)
            {
                blocks.Add(text);
            }

            inline.Clear();
        }

        foreach (XNode node in container.Nodes())
        {
            if (node is XText text)
            {
                inline.Append(text.Value);
            }
            else if (node is XElement element)
            {
                if (Block(element) is { } block)
                {
                    Flush();
                    blocks.Add(block);
                }
                else
                {
                    inline.Append(Inline(element));
                }
            }
        }

        Flush();
        return blocks;
    }

    /// <summary>The element as a block, or null when it is inline (its text joins the paragraph around it).</summary>
    private static string? Block(XElement e)
    {
        switch (Name(e))
        {
            case "p":
                return MarkdownBlocks.Collapse(InlineChildren(e));
            case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                return MarkdownBlocks.Heading(Name(e)[1] - '0', MarkdownBlocks.Collapse(InlineChildren(e)));
            case "ul" or "ol":
                return MarkdownBlocks.List(e.Elements().Where(li => Name(li) == "li").Select(Blocks), Name(e) == "ol");
            case "ac:task-list":
                XElement[] tasks = [.. e.Elements().Where(t => Name(t) == "ac:task")];
                return MarkdownBlocks.List(tasks.Select(t => Child(t, "ac:task-body") is { } body ? Blocks(body) : []), ordered: false,
                    [.. tasks.Select(t => (bool?)(Child(t, "ac:task-status")?.Value.Trim() == "complete"))]);
            case "table":
                return MarkdownBlocks.Table(Rows(e));
            case "pre":
                return MarkdownBlocks.Code(null, e.Value);
            case "blockquote":
                return MarkdownBlocks.Quote(Blocks(e));
            case "hr":
                return MarkdownBlocks.Rule;
            case "ac:structured-macro" or "ac:macro" when !InlineMacros.Contains(Attr(e, "name")):
                return Macro(e);
            case "div" or "section" or "ac:layout" or "ac:layout-section" or "ac:layout-cell" or "ac:rich-text-body":
                return MarkdownBlocks.Join(Blocks(e));
            default:
                return null;
        }
    }

    private static string Inline(XElement e) => Name(e) switch
    {
        "strong" or "b" => MarkdownBlocks.Wrap("**", InlineChildren(e)),
        "em" or "i" => MarkdownBlocks.Wrap("*", InlineChildren(e)),
        "del" or "s" => MarkdownBlocks.Wrap("~~", InlineChildren(e)),
        "code" => MarkdownBlocks.Wrap("`", e.Value),
        "a" => MarkdownBlocks.Link(MarkdownBlocks.Collapse(InlineChildren(e)), (string?)e.Attribute("href")),
        "br" => MarkdownBlocks.Break.ToString(),
        "ac:link" => PageLink(e),
        "ac:image" => Resource("image", e),
        "ac:emoticon" => "",
        "time" => (string?)e.Attribute("datetime") ?? e.Value,
        "ac:structured-macro" or "ac:macro" => InlineMacro(e),
        "ac:parameter" or "ac:placeholder" => "",
        _ => InlineChildren(e),
    };

    private static string InlineChildren(XElement e)
    {
        var sb = new StringBuilder();
        foreach (XNode node in e.Nodes())
        {
            sb.Append(node switch
            {
                XText t => t.Value,
                XElement child => Block(child) is { } block ? MarkdownBlocks.Break + block + MarkdownBlocks.Break : Inline(child),
                _ => "",
            });
        }

        return sb.ToString();
    }

    /// <summary>A link to a page, blog post, attachment or user: its own text, or what it points at by name.</summary>
    private static string PageLink(XElement link)
    {
        string text = Child(link, "ac:plain-text-link-body")?.Value ?? (Child(link, "ac:link-body") is { } body ? InlineChildren(body) : "");
        if (text.Trim().Length > 0)
        {
            return text;
        }

        XElement? target = link.Elements().FirstOrDefault(c => c.Name.Namespace == Ri);
        return target is null ? "" : target.Name.LocalName == "attachment" ? Resource("attachment", link)
            : Attr(target, "content-title", Ri) ?? Attr(target, "display-name", Ri) ?? Attr(target, "value", Ri) ?? "";
    }

    /// <summary><c>[image: name]</c>: the attachment's file name or the URL's last segment, never fetched.</summary>
    private static string Resource(string kind, XElement e)
    {
        XElement? target = e.Elements().FirstOrDefault(c => c.Name.Namespace == Ri);
        string? name = Attr(e, "alt") ?? Attr(target, "filename", Ri) ?? Attr(target, "value", Ri);
        return $"[{kind}: {MarkdownBlocks.Collapse(name ?? "unnamed")}]";
    }

    private static string Macro(XElement macro)
    {
        string name = Attr(macro, "name") ?? "unnamed";
        string? title = Parameter(macro, "title");
        switch (name)
        {
            case "code" or "noformat":
                return MarkdownBlocks.Code(Parameter(macro, "language"), Child(macro, "ac:plain-text-body")?.Value ?? "");
            case var panel when Panels.Contains(panel):
                string label = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(panel) + (title is { Length: > 0 } ? " — " + MarkdownBlocks.Collapse(title) : "");
                return MarkdownBlocks.Quote(Body(macro), label);
            case "expand":
                return MarkdownBlocks.Join([MarkdownBlocks.Wrap("**", MarkdownBlocks.Collapse(title ?? "Expand")), .. Body(macro)]);
            default:
                return MarkdownBlocks.Join([$"[macro: {MarkdownBlocks.Collapse(name)}]", .. Body(macro)]);
        }
    }

    private static string InlineMacro(XElement macro)
    {
        string name = Attr(macro, "name") ?? "unnamed";
        string? title = Parameter(macro, "title") ?? Parameter(macro, "key");
        return title is { Length: > 0 } ? $"[{name}: {title}]" : $"[macro: {name}]";
    }

    private static List<string> Body(XElement macro) =>
        Child(macro, "ac:rich-text-body") is { } rich ? Blocks(rich)
        : Child(macro, "ac:plain-text-body") is { } plain ? [MarkdownBlocks.Collapse(plain.Value)]
        : [];

    private static List<IReadOnlyList<string>> Rows(XElement table)
    {
        IEnumerable<XElement> rows = table.Elements().SelectMany(c => Name(c) is "thead" or "tbody" or "tfoot" ? c.Elements() : [c]).Where(r => Name(r) == "tr");
        return [.. rows.Select(r => (IReadOnlyList<string>)[.. r.Elements().Where(c => Name(c) is "td" or "th").Select(c => string.Join(" ", Blocks(c)))])];
    }

    private static string? Parameter(XElement macro, string name) =>
        macro.Elements().FirstOrDefault(p => Name(p) == "ac:parameter" && Attr(p, "name") == name)?.Value;

    private static XElement? Child(XElement e, string name) => e.Elements().FirstOrDefault(c => Name(c) == name);

    private static string? Attr(XElement? e, string name, XNamespace? ns = null) => (string?)e?.Attribute((ns ?? Ac) + name) ?? (string?)e?.Attribute(name);

    private static string Name(XElement e) =>
        e.Name.Namespace == Ac ? "ac:" + e.Name.LocalName : e.Name.Namespace == Ri ? "ri:" + e.Name.LocalName : e.Name.LocalName.ToLowerInvariant();

    [GeneratedRegex("&([A-Za-z][A-Za-z0-9]{1,31});")]
    private static partial Regex NamedEntity();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}
