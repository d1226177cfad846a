using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Presentation;
using McpServers.Shared.Text;
using Drawing = DocumentFormat.OpenXml.Drawing;

namespace McpServers.Documents.Extraction;

/// <summary>
/// Each slide, in presentation order, as <c>## Slide N: title</c> followed by the text of its other shapes (one
/// line per paragraph) and its tables; at most <c>MaxPages</c> slides.
/// </summary>
internal static class PptxText
{
    public static void Extract(PresentationDocument document, int maxSlides, MarkdownOutput output, CancellationToken cancellationToken)
    {
        PresentationPart presentation = document.PresentationPart ?? throw OfficeText.MissingMainPart("pptx");
        List<SlideId> slides = presentation.Presentation?.SlideIdList?.Elements<SlideId>().ToList() ?? [];
        int read = Math.Min(slides.Count, maxSlides);
        for (int i = 0; i < read && !output.IsFull; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (slides[i].RelationshipId?.Value is not { } id || presentation.GetPartById(id) is not SlidePart part || part.Slide is not { } slide)
            {
                continue;
            }

            List<Shape> shapes = [.. slide.Descendants<Shape>()];
            Shape? titleShape = shapes.FirstOrDefault(IsTitle);
            string title = titleShape is null ? string.Empty : string.Join(' ', Paragraphs(titleShape));
            output.AppendBlock($"## Slide {i + 1}" + (title.Length > 0 ? ": " + title : string.Empty));
            output.AppendBlock(string.Join('\n', shapes.Where(s => s != titleShape).SelectMany(Paragraphs)));
            foreach (Drawing.Table table in slide.Descendants<Drawing.Table>())
            {
                output.AppendTable([.. table.Elements<Drawing.TableRow>().Select(row =>
                    (IReadOnlyList<string>)[.. row.Elements<Drawing.TableCell>().Select(cell => string.Join(' ', cell.Descendants<Drawing.Paragraph>().Select(Text)))])]);
            }
        }

        if (slides.Count > read)
        {
            output.Stop($"read the first {read} of {slides.Count} slides (Documents:MaxPages)");
        }
    }

    private static bool IsTitle(Shape shape)
    {
        PlaceholderShape? placeholder = shape.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.PlaceholderShape;
        return placeholder?.Type?.Value is { } type && (type == PlaceholderValues.Title || type == PlaceholderValues.CenteredTitle);
    }

    private static IEnumerable<string> Paragraphs(Shape shape) =>
        shape.TextBody?.Elements<Drawing.Paragraph>().Select(Text).Where(t => t.Length > 0) ?? [];

    private static string Text(Drawing.Paragraph paragraph) =>
        string.Concat(paragraph.Descendants<Drawing.Text>().Select(t => t.Text)).Trim();
}
