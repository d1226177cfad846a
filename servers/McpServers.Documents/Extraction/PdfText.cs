using McpServers.Shared.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace McpServers.Documents.Extraction;

/// <summary>
/// PDF text page by page (PdfPig, words in content order), each page under a <c>--- page N ---</c> line, at most
/// <c>MaxPages</c> pages. A PDF that opens with the empty user password (encrypted only to restrict printing or
/// copying) reads like any other, as it does in every viewer; one that needs a password is refused as encrypted.
/// </summary>
internal static class PdfText
{
    public static ExtractedText Extract(Stream pdf, ExtractionLimits limits, CancellationToken cancellationToken)
    {
        var output = new MarkdownOutput(limits.MaxChars, ExtractionLimits.CapSetting);
        PdfDocument document;
        try
        {
            document = PdfDocument.Open(pdf, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        }
        catch (PdfDocumentEncryptedException)
        {
            throw new ExtractionException("The PDF is encrypted: it cannot be read (it needs a password).");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ExtractionException("The PDF is corrupt: its structure could not be read.");
        }

        using (document)
        {
            if (document.IsEncrypted && !CanDecrypt(document))
            {
                throw new ExtractionException("The PDF is encrypted: it cannot be read (it needs a password).");
            }

            int pages = document.NumberOfPages;
            int read = Math.Min(pages, limits.MaxPages);
            for (int number = 1; number <= read && !output.IsFull; number++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                output.AppendBlock($"--- page {number} ---");
                output.AppendBlock(PageText(document, number));
            }

            if (pages > read)
            {
                output.Stop($"read the first {read} of {pages} pages (Documents:MaxPages)");
            }
        }

        return output.Finish("pdf");
    }

    /// <summary>One damaged page does not lose the others: it is marked and the rest is read.</summary>
    private static string PageText(PdfDocument document, int number)
    {
        try
        {
            return ContentOrderTextExtractor.GetText(document.GetPage(number)).Trim();
        }
        catch (Exception e) when (e is not (OperationCanceledException or PdfDocumentEncryptedException))
        {
            return "(this page could not be read)";
        }
    }

    /// <summary>PdfPig decrypts lazily: reading the first page shows whether the empty password was enough.</summary>
    private static bool CanDecrypt(PdfDocument document)
    {
        try
        {
            _ = document.NumberOfPages > 0 ? document.GetPage(1).Text : string.Empty;
            return true;
        }
        catch (PdfDocumentEncryptedException)
        {
            return false;
        }
    }
}
