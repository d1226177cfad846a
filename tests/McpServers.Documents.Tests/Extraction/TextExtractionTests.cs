using System.Text;
using McpServers.Documents.Extraction;

namespace McpServers.Documents.Tests;

public sealed class TextExtractionTests
{
    private static readonly ExtractionLimits Limits = new(1_000_000, 10, 10, 1_000_000);

    [Fact]
    public async Task Markdown_OverTheCharacterCap_IsCutAndSaysWhy()
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes("# Title\nand more text than ten characters"));

        ExtractedText text = await TextExtraction.ExtractAsync(content, "notes.md", Limits, TestContext.Current.CancellationToken);

        Assert.Equal("markdown", text.Format);
        Assert.Equal("# Title\nan", text.Markdown);
        Assert.True(text.Truncated);
        Assert.Contains("Documents:MaxDocumentChars", text.TruncationReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsupportedType_IsAClearPerFileError()
    {
        using var content = new MemoryStream([0x7f, 0x45, 0x4c, 0x46]);

        var e = await Assert.ThrowsAsync<ExtractionException>(() => TextExtraction.ExtractAsync(content, "tool.exe", Limits, TestContext.Current.CancellationToken));

        Assert.Contains(".exe", e.Message, StringComparison.Ordinal);
    }
}
