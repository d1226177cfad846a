using System.Text;
using McpServers.Documents.Extraction;
using McpServers.Shared.Text;

namespace McpServers.Documents.Tests.Extraction;

public sealed class CsvExtractionTests
{
    [Fact]
    public async Task Csv_QuotesCommasAndLineBreaks_BecomeOneMarkdownTable()
    {
        const string csv = "name,city,note\r\n\"Lovelace, Ada\",London,\"said \"\"hi\"\"\"\r\nHopper,\"New\nYork\",a|b\r\n";

        ExtractedText text = await TestFiles.ExtractAsync(Encoding.UTF8.GetBytes(csv), "people.csv");

        Assert.Equal("csv", text.Format);
        Assert.Equal(
            "| name | city | note |\n| --- | --- | --- |\n| Lovelace, Ada | London | said \"hi\" |\n| Hopper | New York | a\\|b |",
            text.Markdown);
    }

    [Fact]
    public async Task Csv_RowsOfDifferentLengthAndBlankLines_ArePadded()
    {
        ExtractedText text = await TestFiles.ExtractAsync("a,b\n\n1\n2,3,4"u8.ToArray(), "ragged.csv");

        Assert.Equal("| a | b |  |\n| --- | --- | --- |\n| 1 |  |  |\n| 2 | 3 | 4 |", text.Markdown);
    }

    [Fact]
    public async Task Csv_OverTheRowCap_KeepsTheFirstRowsAndSaysWhy()
    {
        string csv = string.Join('\n', Enumerable.Range(1, MarkdownOutput.MaxTableRows + 10).Select(i => $"{i},x"));

        ExtractedText text = await TestFiles.ExtractAsync(Encoding.UTF8.GetBytes(csv), "long.csv");

        Assert.Contains($"| {MarkdownOutput.MaxTableRows} | x |", text.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain($"| {MarkdownOutput.MaxTableRows + 1} | x |", text.Markdown, StringComparison.Ordinal);
        Assert.Equal(MarkdownOutput.TableRowsReason, text.TruncationReason);
    }

    [Fact]
    public async Task Csv_OverTheCharacterCap_IsCut()
    {
        ExtractedText text = await TestFiles.ExtractAsync("alpha,beta\ngamma,delta\n"u8.ToArray(), "short.csv", TestFiles.Roomy with { MaxChars = 12 });

        Assert.Equal("| alpha | be", text.Markdown);
        Assert.Contains("Documents:MaxDocumentChars", text.TruncationReason, StringComparison.Ordinal);
    }
}
