using McpServers.Documents.Extraction;

namespace McpServers.Documents.Tests.Extraction;

public sealed class PdfExtractionTests
{
    [Fact]
    public async Task Pdf_SeveralPages_GivesEachPagesTextInOrder()
    {
        ExtractedText text = await TestFiles.ExtractAsync(TestFiles.Pdf("Travel policy", "Per diem 28 EUR", "Approved by HR"), "policy.pdf");

        Assert.Equal("pdf", text.Format);
        Assert.Equal("--- page 1 ---\n\nTravel policy\n\n--- page 2 ---\n\nPer diem 28 EUR\n\n--- page 3 ---\n\nApproved by HR", text.Markdown);
        Assert.False(text.Truncated);
    }

    [Fact]
    public async Task Pdf_OverThePageCap_ReadsTheFirstPagesAndSaysWhy()
    {
        var limits = TestFiles.Roomy with { MaxPages = 2 };

        ExtractedText text = await TestFiles.ExtractAsync(TestFiles.Pdf("one", "two", "three"), "long.pdf", limits);

        Assert.Contains("two", text.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("three", text.Markdown, StringComparison.Ordinal);
        Assert.True(text.Truncated);
        Assert.Equal("read the first 2 of 3 pages (Documents:MaxPages)", text.TruncationReason);
    }

    [Fact]
    public async Task Pdf_OverTheCharacterCap_StopsAndSaysWhy()
    {
        var limits = TestFiles.Roomy with { MaxChars = 20 };

        ExtractedText text = await TestFiles.ExtractAsync(TestFiles.Pdf("Travel policy", "Per diem 28 EUR"), "policy.pdf", limits);

        Assert.Equal("--- page 1 ---\n\nTrav", text.Markdown);
        Assert.Contains("Documents:MaxDocumentChars", text.TruncationReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_CutInHalf_IsAPerFileErrorOrItsReadablePart()
    {
        byte[] pdf = TestFiles.Pdf("first page", "second page");

        Exception? e = await Record.ExceptionAsync(() => TestFiles.ExtractAsync(pdf[..(pdf.Length / 2)], "cut.pdf"));

        Assert.True(e is null or ExtractionException, e?.GetType().Name);
    }

    [Fact]
    public async Task Pdf_ReadFromANonSeekableStream_IsCopiedWithinTheCap()
    {
        byte[] pdf = TestFiles.Pdf("streamed");
        using var content = new CountingStream(new MemoryStream(pdf), seekable: false);

        ExtractedText text = await TextExtraction.ExtractAsync(content, "download.pdf", TestFiles.Roomy, TestContext.Current.CancellationToken);

        Assert.Contains("streamed", text.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_LargerThanMaxFileBytes_FromANonSeekableStream_IsRefused()
    {
        byte[] pdf = TestFiles.Pdf("streamed");
        using var content = new CountingStream(new MemoryStream(pdf), seekable: false);
        var limits = TestFiles.Roomy with { MaxFileBytes = pdf.Length - 1 };

        var e = await Assert.ThrowsAsync<ExtractionException>(() => TextExtraction.ExtractAsync(content, "download.pdf", limits, TestContext.Current.CancellationToken));

        Assert.Contains("Documents:MaxFileBytes", e.Message, StringComparison.Ordinal);
    }
}
