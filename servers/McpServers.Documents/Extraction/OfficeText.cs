using DocumentFormat.OpenXml.Packaging;
using McpServers.Shared.Text;

namespace McpServers.Documents.Extraction;

/// <summary>Word, Excel and PowerPoint (OOXML) files: vetted by <see cref="ZipGuard"/> first, then read by the OpenXml SDK.</summary>
internal static class OfficeText
{
    public static ExtractedText Extract(Stream zip, ExtractionLimits limits, CancellationToken cancellationToken)
    {
        string format = ZipGuard.Vet(zip, limits.MaxZipEntryBytes, cancellationToken);
        var output = new MarkdownOutput(limits.MaxChars, ExtractionLimits.CapSetting);

        // The SDK's own per-part cap as a second line behind the zip guard (a character is at least a byte).
        var settings = new OpenSettings { MaxCharactersInPart = limits.MaxZipEntryBytes, AutoSave = false };
        switch (format)
        {
            case "docx":
                using (var word = WordprocessingDocument.Open(zip, false, settings))
                {
                    DocxText.Extract(word, output, cancellationToken);
                }

                break;
            case "xlsx":
                using (var excel = SpreadsheetDocument.Open(zip, false, settings))
                {
                    XlsxText.Extract(excel, output, cancellationToken);
                }

                break;
            default:
                using (var slides = PresentationDocument.Open(zip, false, settings))
                {
                    PptxText.Extract(slides, limits.MaxPages, output, cancellationToken);
                }

                break;
        }

        return output.Finish(format);
    }

    /// <summary>A package whose relationships name no main part (document, workbook, presentation) is not a document.</summary>
    public static ExtractionException MissingMainPart(string format) => new($"The {format} file is corrupt: it has no main part.");
}
