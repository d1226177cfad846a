using System.Text;
using DocumentFormat.OpenXml;
using McpServers.Documents.Extraction;
using McpServers.Shared.Text;
using static McpServers.Documents.Tests.Extraction.TestFiles;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace McpServers.Documents.Tests.Extraction;

public sealed class OfficeExtractionTests
{
    [Fact]
    public async Task Docx_HeadingsListsTableAndEmphasis_BecomeMarkdown()
    {
        byte[] docx = Docx(
            Paragraph("Title", Run("Travel policy")),
            Paragraph(null, Run("Applies to "), Run("all", bold: true), Run(" staff, "), Run("from March", italic: true), Run(".")),
            Paragraph("Heading2", Run("Per diems")),
            ListItem(0, "Domestic"),
            ListItem(1, "Meals included"),
            ListItem(0, "Abroad"),
            WordTable(["Country", "Rate"], ["France", "40 | 45"]),
            Paragraph(null, Run("Last line")));

        ExtractedText text = await ExtractAsync(docx, "Travel policy 2026.docx");

        Assert.Equal("docx", text.Format);
        Assert.Equal(
            "# Travel policy\n\nApplies to **all** staff, *from March*.\n\n## Per diems\n\n- Domestic\n  - Meals included\n- Abroad\n\n"
            + "| Country | Rate |\n| --- | --- |\n| France | 40 \\| 45 |\n\nLast line",
            text.Markdown);
    }

    [Fact]
    public async Task Docx_OverTheCharacterCap_StopsAndSaysWhy()
    {
        byte[] docx = Docx([.. Enumerable.Range(1, 100).Select(i => Paragraph(null, Run($"Paragraph number {i}")))]);

        ExtractedText text = await ExtractAsync(docx, "long.docx", Roomy with { MaxChars = 30 });

        Assert.Equal(30, text.Markdown.Length);
        Assert.Contains("Documents:MaxDocumentChars", text.TruncationReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DocxText.MaxContentControlDepth, "# Per diems\n\n**EUR 40**")]
    [InlineData(DocxText.MaxContentControlDepth + 1, "Per diems\n\nEUR 40")]
    [InlineData(5_000, "Per diems\n\nEUR 40")]
    public async Task Docx_ContentControlsNestedDeeperThanTheCap_AreReadAsPlainText(int depth, string expected)
    {
        OpenXmlElement content = new W.SdtBlock(new W.SdtContentBlock(Paragraph("Heading1", Run("Per diems")), Paragraph(null, Run("EUR 40", bold: true))));
        for (int i = 1; i < depth; i++)
        {
            content = new W.SdtBlock(new W.SdtContentBlock(content));
        }

        ExtractedText text = await ExtractAsync(Docx(content), "nested.docx");

        Assert.Equal(expected, text.Markdown);
    }

    [Fact]
    public async Task Xlsx_TwoSheets_EachAMarkdownTable()
    {
        byte[] xlsx = Xlsx(
            ("People", [["Name", "Active", "Days"], ["Ada", true, 12.5], ["Grace", false, null, "note"]]),
            ("Rates", [["Country", "Rate"], ["France", 40d]]));

        ExtractedText text = await ExtractAsync(xlsx, "budget.xlsx");

        Assert.Equal("xlsx", text.Format);
        Assert.Equal(
            "## People\n\n| Name | Active | Days |  |\n| --- | --- | --- | --- |\n| Ada | TRUE | 12.5 |  |\n| Grace | FALSE |  | note |\n\n"
            + "## Rates\n\n| Country | Rate |\n| --- | --- |\n| France | 40 |",
            text.Markdown);
    }

    [Fact]
    public async Task Xlsx_OverTheRowCap_KeepsTheFirstRowsAndSaysWhy()
    {
        object?[][] rows = [.. Enumerable.Range(1, MarkdownOutput.MaxTableRows + 5).Select(i => new object?[] { (double)i })];

        ExtractedText text = await ExtractAsync(Xlsx(("Numbers", rows)), "numbers.xlsx");

        Assert.Contains($"| {MarkdownOutput.MaxTableRows} |", text.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain($"| {MarkdownOutput.MaxTableRows + 1} |", text.Markdown, StringComparison.Ordinal);
        Assert.Equal(MarkdownOutput.TableRowsReason, text.TruncationReason);
    }

    [Fact]
    public async Task Pptx_ThreeSlides_TitleAndTextInOrder()
    {
        byte[] pptx = Pptx(("Kick-off", ["Goals", "Timeline"]), ("Budget", ["40k EUR"]), ("Questions", []));

        ExtractedText text = await ExtractAsync(pptx, "kick-off.pptx");

        Assert.Equal("pptx", text.Format);
        Assert.Equal("## Slide 1: Kick-off\n\nGoals\nTimeline\n\n## Slide 2: Budget\n\n40k EUR\n\n## Slide 3: Questions", text.Markdown);
    }

    [Fact]
    public async Task Pptx_OverTheSlideCap_ReadsTheFirstSlidesAndSaysWhy()
    {
        byte[] pptx = Pptx(("One", []), ("Two", []), ("Three", []));

        ExtractedText text = await ExtractAsync(pptx, "deck.pptx", Roomy with { MaxPages = 2 });

        Assert.Equal("## Slide 1: One\n\n## Slide 2: Two", text.Markdown);
        Assert.Equal("read the first 2 of 3 slides (Documents:MaxPages)", text.TruncationReason);
    }

    [Fact]
    public async Task ZipBomb_AnEntryInflatingPastTheCap_IsRefusedBeforeParsing()
    {
        byte[] bomb = Zip(WordParts(new byte[2_000_000]));
        Assert.True(bomb.Length < 20_000);

        ExtractionException e = await RefusedAsync(bomb, "bomb.docx", Roomy with { MaxZipEntryBytes = 1_000_000 });

        Assert.Equal("The Office file was refused as a possible decompression bomb: a part unpacks to more than 1000000 bytes (Documents:MaxZipEntryBytes).", e.Message);
    }

    [Fact]
    public async Task ZipBomb_LyingAboutItsUnpackedSize_NeverUnpacksPastWhatItDeclares()
    {
        // System.IO.Compression stops each entry at its declared size (the guard also counts what it inflates):
        // the 2 MB document part is read as 100 bytes of cut XML, a corrupt file, and never as 2 MB.
        byte[] docx = Docx(Paragraph(null, Run(new string('a', 2_000_000))));
        byte[] bomb = LieAboutSizes(docx, declared: 100);

        ExtractionException e = await RefusedAsync(bomb, "liar.docx", Roomy with { MaxZipEntryBytes = 1_000_000 });

        Assert.Equal("The Office file is corrupt or uses features that cannot be read.", e.Message);
    }

    [Fact]
    public async Task ZipBomb_AnOfficeDocumentWhosePartIsTooLarge_IsRefused()
    {
        byte[] docx = Docx(Paragraph(null, Run(new string('a', 2_000_000))));

        ExtractionException e = await RefusedAsync(docx, "big.docx", Roomy with { MaxZipEntryBytes = 1_000_000 });

        Assert.Contains("decompression bomb", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZipBomb_ManyPartsEachUnderTheCap_IsRefusedByTheRatio()
    {
        byte[] zeros = new byte[900_000];
        byte[] bomb = Zip([.. WordParts(zeros), .. Enumerable.Range(1, 15).Select(i => ($"word/media/pad{i}.bin", zeros))]);

        ExtractionException e = await RefusedAsync(bomb, "ratio.docx", Roomy with { MaxZipEntryBytes = 1_000_000 });

        Assert.Equal($"The Office file was refused as a possible decompression bomb: it unpacks to more than {ZipGuard.MaxRatio} times its size.", e.Message);
    }
}
