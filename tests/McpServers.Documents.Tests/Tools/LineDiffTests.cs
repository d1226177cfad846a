using McpServers.Documents.Text;

namespace McpServers.Documents.Tests.Tools;

public sealed class LineDiffTests
{
    [Theory]
    [InlineData("", "", 0, 0)]
    [InlineData("a\nb", "a\nb", 0, 0)]
    [InlineData("", "a\nb", 2, 0)]
    [InlineData("a\nb", "", 0, 2)]
    [InlineData("a\nb\nc", "a\nc", 0, 1)]
    [InlineData("a\r\nb\r\n", "a\nb", 0, 0)]
    public void Compare_CountsAddedAndRemovedLines(string from, string to, int added, int removed)
    {
        LineDiffResult diff = LineDiff.Compare(from, to, 2, 10_000);

        Assert.Equal((added, removed), (diff.Added, diff.Removed));
        Assert.False(diff.Coarse);
    }

    [Fact]
    public void Compare_RandomTexts_IsAShortestEditScript()
    {
        var random = new Random(12);
        for (int round = 0; round < 200; round++)
        {
            string[] a = [.. Enumerable.Range(0, random.Next(0, 30)).Select(_ => "l" + random.Next(0, 6))];
            string[] b = [.. Enumerable.Range(0, random.Next(0, 30)).Select(_ => "l" + random.Next(0, 6))];

            LineDiffResult diff = LineDiff.Compare(string.Join("\n", a), string.Join("\n", b), 1_000, 1_000_000);

            int common = Lcs(a, b);
            Assert.Equal(b.Length - common, diff.Added);
            Assert.Equal(a.Length - common, diff.Removed);
            // With context covering everything, the kept and removed lines are the old text, kept and added the new.
            string[] lines = [.. diff.Text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("@@", StringComparison.Ordinal))];
            if (diff.Added + diff.Removed > 0)
            {
                Assert.Equal(a, lines.Where(l => l[0] != '+').Select(l => l[1..]));
                Assert.Equal(b, lines.Where(l => l[0] != '-').Select(l => l[1..]));
            }
        }
    }

    [Fact]
    public void Compare_FarApartChanges_AreSeparateHunksWithContext()
    {
        string[] a = [.. Enumerable.Range(1, 30).Select(i => $"line {i}")];
        string[] b = [.. a];
        b[2] = "changed 3";
        b[25] = "changed 26";

        LineDiffResult diff = LineDiff.Compare(string.Join("\n", a), string.Join("\n", b), 2, 10_000);

        Assert.Equal(
            "@@ -1 +1 @@\n line 1\n line 2\n-line 3\n+changed 3\n line 4\n line 5\n" +
            "@@ -24 +24 @@\n line 24\n line 25\n-line 26\n+changed 26\n line 27\n line 28\n", diff.Text);
    }

    [Fact]
    public void Compare_OutputAboveTheCap_IsCutWithCountsForTheWhole()
    {
        string to = string.Join("\n", Enumerable.Range(0, 500).Select(i => $"new line {i}"));

        LineDiffResult diff = LineDiff.Compare("", to, 2, 1_000);

        Assert.True(diff.Truncated);
        Assert.True(diff.Text.Length <= 1_000);
        Assert.Equal(500, diff.Added);
    }

    [Fact]
    public void Compare_MoreEditsThanTheCap_ReplacesTheMiddleWholesale()
    {
        int n = LineDiff.MaxEdits;
        string from = "same\n" + string.Join("\n", Enumerable.Range(0, n).Select(i => $"a{i}")) + "\nend";
        string to = "same\n" + string.Join("\n", Enumerable.Range(0, n).Select(i => $"b{i}")) + "\nend";

        LineDiffResult diff = LineDiff.Compare(from, to, 2, 100);

        Assert.True(diff.Coarse);
        Assert.Equal((n, n), (diff.Added, diff.Removed));
    }

    private static int Lcs(string[] a, string[] b)
    {
        int[,] t = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                t[i, j] = a[i] == b[j] ? t[i + 1, j + 1] + 1 : Math.Max(t[i + 1, j], t[i, j + 1]);
            }
        }

        return t[0, 0];
    }
}
