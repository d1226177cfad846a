using System.Text;
using McpServers.Documents.Extraction;

namespace McpServers.Documents.Tests.Extraction;

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
    public async Task Text_OverTheCharacterCap_StopsReadingEarly()
    {
        using var content = new CountingStream(new MemoryStream(new byte[5_000_000].Select(_ => (byte)'a').ToArray()), seekable: true);

        ExtractedText text = await TextExtraction.ExtractAsync(content, "big.txt", Limits with { MaxFileBytes = 10_000_000 }, TestContext.Current.CancellationToken);

        Assert.Equal("aaaaaaaaaa", text.Markdown);
        Assert.True(content.BytesRead < 100_000, $"read {content.BytesRead} bytes");
    }

    [Fact]
    public async Task Text_Utf8WithByteOrderMark_IsDecodedWithoutTheMark()
    {
        ExtractedText text = await TestFiles.ExtractAsync([0xef, 0xbb, 0xbf, .. Encoding.UTF8.GetBytes("Grüße, 東京")], "greeting.txt");

        Assert.Equal("Grüße, 東京", text.Markdown);
        Assert.Equal("text", text.Format);
    }

    [Fact]
    public async Task Text_Utf16WithByteOrderMark_IsDecoded()
    {
        ExtractedText text = await TestFiles.ExtractAsync([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("Grüße aus Köln")], "utf16.txt");

        Assert.Equal("Grüße aus Köln", text.Markdown);
    }

    [Fact]
    public async Task Text_NotValidUtf8_IsReadAsLatin1()
    {
        ExtractedText text = await TestFiles.ExtractAsync(Encoding.Latin1.GetBytes("Café crème à la carte"), "menu.txt");

        Assert.Equal("Café crème à la carte", text.Markdown);
    }

    [Fact]
    public async Task Text_ControlAndBidiCharacters_AreRemoved()
    {
        ExtractedText text = await TestFiles.ExtractAsync(Encoding.UTF8.GetBytes("safe\u202Etxt.exe\u200B \u001b[31mred\tend\n"), "trick.md");

        Assert.Equal("safetxt.exe [31mred\tend", text.Markdown);
    }

    [Fact]
    public async Task FileOfAHundredMegabytes_WithKnownLength_IsRefusedBeforeAnyByteIsRead()
    {
        string folder = Directory.CreateTempSubdirectory("docs-extract-").FullName;
        try
        {
            string path = Path.Combine(folder, "Große Datei — 100 MB.txt");
            using (var sparse = new FileStream(path, FileMode.CreateNew))
            {
                sparse.SetLength(100L * 1024 * 1024);
            }

            using var content = new CountingStream(File.OpenRead(path), seekable: true);
            var limits = new ExtractionLimits(50L * 1024 * 1024, 1_000_000, 10, 1_000_000);

            var e = await Assert.ThrowsAsync<ExtractionException>(() => TextExtraction.ExtractAsync(content, Path.GetFileName(path), limits, TestContext.Current.CancellationToken));

            Assert.Contains("Documents:MaxFileBytes", e.Message, StringComparison.Ordinal);
            Assert.Equal(0, content.BytesRead);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task StreamOfUnknownLength_PastMaxFileBytes_IsRefusedWhileReading()
    {
        var content = new EndlessStream((byte)'x');
        var limits = new ExtractionLimits(1_000_000, 10_000_000, 10, 1_000_000);

        var e = await Assert.ThrowsAsync<ExtractionException>(() => TextExtraction.ExtractAsync(content, "endless.txt", limits, TestContext.Current.CancellationToken));

        Assert.Contains("Documents:MaxFileBytes", e.Message, StringComparison.Ordinal);
        Assert.InRange(content.BytesRead, 1_000_001, 1_100_000);
    }

    [Fact]
    public async Task UnicodeNameWithSpaces_OnDisk_IsRead()
    {
        string folder = Directory.CreateTempSubdirectory("docs-extract-").FullName;
        try
        {
            string path = Path.Combine(folder, "Reisekosten Übersicht 2026 ✈ (final).md");
            await File.WriteAllTextAsync(path, "# Reisekosten\n\nTagegeld: 28 €", TestContext.Current.CancellationToken);
            await using FileStream content = File.OpenRead(path);

            ExtractedText text = await TextExtraction.ExtractAsync(content, Path.GetFileName(path), TestFiles.Roomy, TestContext.Current.CancellationToken);

            Assert.Equal("# Reisekosten\n\nTagegeld: 28 €", text.Markdown);
            Assert.Equal("markdown", text.Format);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task PdfContent_NamedAsText_IsReadAsThePdfItIs()
    {
        ExtractedText text = await TestFiles.ExtractAsync(TestFiles.Pdf("Per diem rates"), "rates.txt");

        Assert.Equal("pdf", text.Format);
        Assert.Contains("Per diem rates", text.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WordContent_NamedAsPdf_IsReadAsTheWordDocumentItIs()
    {
        byte[] docx = TestFiles.Docx(TestFiles.Paragraph(null, TestFiles.Run("Travel policy")));

        ExtractedText text = await TestFiles.ExtractAsync(docx, "policy.pdf");

        Assert.Equal("docx", text.Format);
        Assert.Equal("Travel policy", text.Markdown);
    }

    [Theory]
    [InlineData("config.yaml")]
    [InlineData("README")]
    [InlineData("guide.rst")]
    public async Task OtherPlainTextFormats_AreReadAsText(string fileName)
    {
        ExtractedText text = await TestFiles.ExtractAsync("key: value"u8.ToArray(), fileName);

        Assert.Equal("text", text.Format);
        Assert.Equal("key: value", text.Markdown);
    }

    [Fact]
    public async Task EmptyFile_IsEmptyText()
    {
        ExtractedText text = await TestFiles.ExtractAsync([], "empty.txt");

        Assert.Equal(string.Empty, text.Markdown);
        Assert.False(text.Truncated);
    }
}
