using System.Text;
using McpServers.Shared.Text;

namespace McpServers.Documents.Extraction;

/// <summary>The administrator's caps on one extraction; never raisable by the model.</summary>
public sealed record ExtractionLimits(long MaxFileBytes, int MaxChars, int MaxPages, long MaxZipEntryBytes)
{
    /// <summary>The setting behind <see cref="MaxChars"/>, named when a text is cut.</summary>
    public const string CapSetting = "Documents:MaxDocumentChars";
}

/// <summary>
/// A document's text as Markdown. <see cref="Format"/> names what was found (pdf, docx, xlsx, pptx, html, csv,
/// markdown, text); <see cref="Truncated"/> with <see cref="TruncationReason"/> when a cap stopped the extraction.
/// </summary>
public sealed record ExtractedText(string Format, string Markdown, bool Truncated, string? TruncationReason);

/// <summary>The shared Markdown writer's result as a document's text of <paramref name="format"/>.</summary>
internal static class MarkdownOutputFormat
{
    public static ExtractedText Finish(this MarkdownOutput output, string format)
    {
        MarkdownText text = output.Finish();
        return new ExtractedText(format, text.Markdown, text.Truncated, text.TruncationReason);
    }
}

/// <summary>A file that cannot be read as text (encrypted, corrupt, unsupported, over a cap): its message is safe to show.</summary>
public sealed class ExtractionException(string safeMessage) : Exception(safeMessage);

/// <summary>
/// Text from a file, the same for every source: the type found by extension plus magic bytes (see
/// <see cref="FileKind"/>), the content streamed and capped (<see cref="ExtractionLimits"/>), every text cleaned of
/// control and bidi characters. Whatever goes wrong inside a reader library becomes an <see cref="ExtractionException"/>
/// naming the file type and what went wrong in general terms; nothing from the library's message is shown.
/// </summary>
public static class TextExtraction
{
    public static async Task<ExtractedText> ExtractAsync(Stream content, string fileName, ExtractionLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(limits);
        long start = content.CanSeek ? content.Position : 0;
        if (content.CanSeek && content.Length - start > limits.MaxFileBytes)
        {
            // Refused before a byte is read.
            throw CappedInput.TooLarge(limits.MaxFileBytes);
        }

        await using var input = new CappedInput(content, limits.MaxFileBytes);
        ReadOnlyMemory<byte> head = await input.PeekAsync(FileKind.HeadBytes, cancellationToken).ConfigureAwait(false);
        NamedKind named = FileKind.FromName(fileName);
        ContentKind kind = FileKind.FromContent(head.Span);
        string label = kind switch
        {
            ContentKind.Pdf => "PDF",
            ContentKind.Zip => "Office",
            _ => named switch { NamedKind.Html => "HTML", NamedKind.Csv => "CSV", _ => "text" },
        };
        try
        {
            return kind switch
            {
                ContentKind.Pdf => PdfText.Extract(await RandomAccessAsync(content, start, input, cancellationToken).ConfigureAwait(false), limits, cancellationToken),
                ContentKind.Zip => OfficeText.Extract(await RandomAccessAsync(content, start, input, cancellationToken).ConfigureAwait(false), limits, cancellationToken),
                ContentKind.CompoundFile => throw new ExtractionException(named == NamedKind.OfficeOpenXml
                    ? "The Office file is encrypted (password-protected): it cannot be read."
                    : "Legacy Office files (.doc, .xls, .ppt) and other compound files are not supported: save it as .docx, .xlsx or .pptx."),
                ContentKind.Binary => throw (named == NamedKind.Unknown
                    ? Unsupported(fileName)
                    : new ExtractionException($"The file is named '{Extension(fileName)}' but holds binary content, not text: it was not read.")),
                _ => await TextAsync(input, head, named, fileName, limits, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (Exception e) when (e is not (ExtractionException or OperationCanceledException))
        {
            // A reader library failed on this file's content: a per-file error, never a crash, and nothing of the
            // library's own message (which may quote the file) is shown.
            throw new ExtractionException($"The {label} file is corrupt or uses features that cannot be read.");
        }
    }

    /// <summary>The extension as shown in a message: cleaned and short, since file names come from the backend.</summary>
    internal static string Extension(string fileName) => TextHygiene.CleanAndTruncate(Path.GetExtension(fileName).ToLowerInvariant(), 16);

    private static ExtractionException Unsupported(string fileName) =>
        new($"Files of type '{Extension(fileName)}' cannot be read as text (supported: PDF, Word, Excel, PowerPoint, HTML, Markdown, text, CSV).");

    /// <summary>PDF and zip need random access: the source's own stream when it can seek from the file's start, else a copy in memory (at most MaxFileBytes).</summary>
    private static async Task<Stream> RandomAccessAsync(Stream content, long start, CappedInput input, CancellationToken cancellationToken)
    {
        if (content.CanSeek && start == 0)
        {
            content.Position = 0;
            return content;
        }

        return await input.ToMemoryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ExtractedText> TextAsync(CappedInput input, ReadOnlyMemory<byte> head, NamedKind named, string fileName, ExtractionLimits limits, CancellationToken cancellationToken)
    {
        var output = new MarkdownOutput(limits.MaxChars, ExtractionLimits.CapSetting);
        switch (named)
        {
            case NamedKind.Unknown:
                throw Unsupported(fileName);
            case NamedKind.Pdf:
                throw new ExtractionException("The PDF file is corrupt: its content does not start like a PDF.");
            case NamedKind.OfficeOpenXml:
                throw new ExtractionException($"The {Extension(fileName)} file is corrupt: its content is not an Office (zip) package.");
            case NamedKind.Html:
                await HtmlText.ExtractAsync(input, output, cancellationToken).ConfigureAwait(false);
                return output.Finish("html");
        }

        Encoding encoding = FileKind.TextEncoding(head.Span, head.Length < FileKind.HeadBytes);
        using var reader = new StreamReader(input, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 16 * 1024, leaveOpen: true);
        if (named == NamedKind.Csv)
        {
            await CsvText.ExtractAsync(reader, output, cancellationToken).ConfigureAwait(false);
            return output.Finish("csv");
        }

        char[] buffer = new char[16 * 1024];
        int read;
        while (!output.IsFull && (read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            output.Append(new string(buffer, 0, read));
        }

        return output.Finish(named == NamedKind.Markdown ? "markdown" : "text");
    }
}
