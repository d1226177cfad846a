using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using McpServers.Shared.Text;

namespace McpServers.Documents.Extraction;

/// <summary>
/// A Word document's body as Markdown: heading styles (Title, Heading1…6, or an outline level) → <c>#</c>, numbered
/// and bulleted paragraphs → <c>-</c> items indented by level, tables → Markdown tables, bold and italic runs.
/// </summary>
internal static class DocxText
{
    public static void Extract(WordprocessingDocument document, MarkdownOutput output, CancellationToken cancellationToken)
    {
        MainDocumentPart main = document.MainDocumentPart ?? throw OfficeText.MissingMainPart("docx");
        if (main.Document?.Body is { } body)
        {
            Blocks(body.ChildElements, output, 0, cancellationToken);
        }
    }

    /// <summary>Content controls (<c>w:sdt</c>) nested deeper than this are read as plain text, without recursing (a hostile file could nest them until the stack overflows).</summary>
    internal const int MaxContentControlDepth = 64;

    private static void Blocks(OpenXmlElementList elements, MarkdownOutput output, int depth, CancellationToken cancellationToken)
    {
        bool inList = false;
        foreach (OpenXmlElement element in elements)
        {
            if (output.IsFull)
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            NumberingProperties? numbering = (element as Paragraph)?.ParagraphProperties?.NumberingProperties;
            if (inList && numbering is null)
            {
                output.EndBlock();
                inList = false;
            }

            switch (element)
            {
                case Paragraph paragraph when numbering is not null:
                    if (!inList)
                    {
                        output.EndBlock();
                        inList = true;
                    }

                    int level = Math.Clamp(numbering.NumberingLevelReference?.Val?.Value ?? 0, 0, 8);
                    output.Append(new string(' ', 2 * level) + "- " + Runs(paragraph) + "\n");
                    break;
                case Paragraph paragraph:
                    string text = Runs(paragraph);
                    int heading = HeadingLevel(paragraph);
                    output.AppendBlock(heading > 0 && text.Length > 0 ? new string('#', heading) + " " + text : text);
                    break;
                case Table table:
                    output.AppendTable([.. table.Elements<TableRow>().Take(MarkdownOutput.MaxTableRows).Select(row =>
                        (IReadOnlyList<string>)[.. row.Elements<TableCell>().Take(MarkdownOutput.MaxTableColumns).Select(CellText)])]);
                    break;
                case SdtBlock content when content.SdtContentBlock is { } inner && depth < MaxContentControlDepth:
                    Blocks(inner.ChildElements, output, depth + 1, cancellationToken);
                    break;
                case SdtBlock content:
                    PlainParagraphs(content, output, cancellationToken);
                    break;
            }
        }

        output.EndBlock();
    }

    /// <summary>Each paragraph under <paramref name="root"/> as a plain block, found without recursion.</summary>
    private static void PlainParagraphs(OpenXmlElement root, MarkdownOutput output, CancellationToken cancellationToken)
    {
        foreach (Paragraph paragraph in root.Descendants<Paragraph>())
        {
            if (output.IsFull)
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            output.AppendBlock(string.Concat(paragraph.Descendants<Run>().Select(RunText)).Trim());
        }
    }

    private static int HeadingLevel(Paragraph paragraph)
    {
        ParagraphProperties? properties = paragraph.ParagraphProperties;
        string style = properties?.ParagraphStyleId?.Val?.Value ?? string.Empty;
        if (style.Equals("Title", StringComparison.OrdinalIgnoreCase))
        {
            return 1;
        }

        if (style.StartsWith("Heading", StringComparison.OrdinalIgnoreCase) && int.TryParse(style.AsSpan(7), out int level))
        {
            return Math.Clamp(level, 1, 6);
        }

        int? outline = properties?.OutlineLevel?.Val?.Value;
        return outline is >= 0 and < 6 ? outline.Value + 1 : 0;
    }

    private static string CellText(TableCell cell) => string.Join(' ', cell.Elements<Paragraph>().Select(Runs).Where(t => t.Length > 0));

    /// <summary>The paragraph's runs (hyperlinks and tracked insertions included), neighbours of one format merged.</summary>
    private static string Runs(Paragraph paragraph)
    {
        var result = new StringBuilder();
        var pending = new StringBuilder();
        (bool Bold, bool Italic) format = (false, false);
        foreach (Run run in paragraph.Descendants<Run>())
        {
            string text = RunText(run);
            if (text.Length == 0)
            {
                continue;
            }

            (bool, bool) runFormat = (IsOn(run.RunProperties?.Bold), IsOn(run.RunProperties?.Italic));
            if (runFormat != format)
            {
                Flush(result, pending, format);
                format = runFormat;
            }

            pending.Append(text);
        }

        Flush(result, pending, format);
        return result.ToString().Trim();
    }

    private static string RunText(Run run)
    {
        var text = new StringBuilder();
        foreach (OpenXmlElement child in run.ChildElements)
        {
            text.Append(child switch
            {
                DocumentFormat.OpenXml.Wordprocessing.Text t => t.Text,
                TabChar => "\t",
                Break or CarriageReturn => " ",
                _ => string.Empty,
            });
        }

        return text.ToString();
    }

    private static void Flush(StringBuilder result, StringBuilder pending, (bool Bold, bool Italic) format)
    {
        string text = pending.ToString();
        pending.Clear();
        string mark = (format.Bold ? "**" : string.Empty) + (format.Italic ? "*" : string.Empty);
        if (mark.Length == 0 || string.IsNullOrWhiteSpace(text))
        {
            result.Append(text);
            return;
        }

        // Markdown emphasis must hug its text: spaces stay outside the marks.
        string trimmed = text.Trim();
        result.Append(text.AsSpan(0, text.Length - text.TrimStart().Length)).Append(mark).Append(trimmed)
            .Append(string.Concat(mark.Reverse())).Append(text.AsSpan(text.TrimEnd().Length));
    }

    private static bool IsOn(OnOffType? value) => value is not null && (value.Val is null || value.Val.Value);
}
