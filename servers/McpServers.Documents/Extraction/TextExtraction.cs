using System.Text;

namespace McpServers.Documents.Extraction;

/// <summary>The administrator's caps on one extraction; never raisable by the model.</summary>
public sealed record ExtractionLimits(long MaxFileBytes, int MaxChars, int MaxPages, long MaxZipEntryBytes);

/// <summary>
/// A document's text as Markdown. <see cref="Format"/> names what was found (pdf, docx, markdown, text …);
/// <see cref="Truncated"/> with <see cref="TruncationReason"/> when a cap stopped the extraction.
/// </summary>
public sealed record ExtractedText(string Format, string Markdown, bool Truncated, string? TruncationReason);

/// <summary>A file that cannot be read as text (encrypted, corrupt, unsupported, over a cap): its message is safe to show.</summary>
public sealed class ExtractionException(string safeMessage) : Exception(safeMessage);

/// <summary>
/// Text from a file, the same for every source: the type found by extension plus magic bytes, the content streamed
/// and capped. First version: Markdown and plain text only.
/// </summary>
public static class TextExtraction
{
    public static async Task<ExtractedText> ExtractAsync(Stream content, string fileName, ExtractionLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(limits);
        string extension = Path.GetExtension(fileName).ToLowerInvariant();
        string format = extension switch
        {
            ".md" or ".markdown" => "markdown",
            ".txt" or ".text" or ".log" or "" => "text",
            _ => throw new ExtractionException($"Files of type '{extension}' cannot be read as text."),
        };
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        char[] buffer = new char[Math.Min(limits.MaxChars + 1, 1 << 20)];
        var text = new StringBuilder();
        int read;
        while (text.Length <= limits.MaxChars && (read = await reader.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, limits.MaxChars + 1 - text.Length)), cancellationToken)) > 0)
        {
            text.Append(buffer, 0, read);
        }

        bool truncated = text.Length > limits.MaxChars;
        return new ExtractedText(format, truncated ? text.ToString(0, limits.MaxChars) : text.ToString(), truncated,
            truncated ? $"cut at {limits.MaxChars} characters (Documents:MaxDocumentChars)" : null);
    }
}
