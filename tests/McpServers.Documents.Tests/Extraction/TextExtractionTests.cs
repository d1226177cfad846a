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
    public async Task UnsupportedType_IsAClearPerFileError()
    {
        using var content = new MemoryStream([0x7f, 0x45, 0x4c, 0x46]);

        var e = await Assert.ThrowsAsync<ExtractionException>(() => TextExtraction.ExtractAsync(content, "tool.exe", Limits, TestContext.Current.CancellationToken));

        Assert.Contains(".exe", e.Message, StringComparison.Ordinal);
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

    [Theory]
    [InlineData("setup.txt")]
    [InlineData("notes.md")]
    [InlineData("data.csv")]
    public async Task ExecutableContent_NamedAsText_IsRefusedAsBinary(string fileName)
    {
        byte[] executable = [.. "MZ"u8, 0x90, 0x00, 0x03, 0x00, .. new byte[64]];

        ExtractionException e = await TestFiles.RefusedAsync(executable, fileName);

        Assert.Contains("binary content", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BinaryContent_WithoutMagicBytes_NamedAsText_IsRefused()
    {
        ExtractionException e = await TestFiles.RefusedAsync([0x41, 0x00, 0x42, 0x00, 0x01, 0x02], "data.txt");

        Assert.Contains("binary content", e.Message, StringComparison.Ordinal);
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

    [Fact]
    public async Task TextContent_NamedAsPdf_IsReportedAsCorrupt()
    {
        ExtractionException e = await TestFiles.RefusedAsync("just some words"u8.ToArray(), "report.pdf");

        Assert.Equal("The PDF file is corrupt: its content does not start like a PDF.", e.Message);
    }

    [Fact]
    public async Task TextContent_NamedAsDocx_IsReportedAsCorrupt()
    {
        ExtractionException e = await TestFiles.RefusedAsync("just some words"u8.ToArray(), "report.docx");

        Assert.Contains(".docx file is corrupt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompoundFile_NamedDocx_IsReportedAsEncrypted()
    {
        // Password-protected Word, Excel and PowerPoint files are OLE compound files holding an EncryptedPackage stream.
        byte[] compound = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, .. new byte[504]];

        ExtractionException e = await TestFiles.RefusedAsync(compound, "salaries.xlsx");

        Assert.Contains("encrypted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompoundFile_NamedDoc_IsAnUnsupportedLegacyFormat()
    {
        byte[] compound = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, .. new byte[504]];

        ExtractionException e = await TestFiles.RefusedAsync(compound, "old.doc");

        Assert.Contains("Legacy Office files", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusal_OfAHostileExtension_ShowsItCleanedAndShort()
    {
        ExtractionException e = await TestFiles.RefusedAsync("text"u8.ToArray(), "x.\u202Egpj" + new string('a', 100));

        Assert.DoesNotContain("\u202E", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('a', 20), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyFile_IsEmptyText()
    {
        ExtractedText text = await TestFiles.ExtractAsync([], "empty.txt");

        Assert.Equal(string.Empty, text.Markdown);
        Assert.False(text.Truncated);
    }
}
