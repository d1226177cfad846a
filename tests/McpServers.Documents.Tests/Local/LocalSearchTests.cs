using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Local;
using McpServers.Shared.Errors;

namespace McpServers.Documents.Tests.Local;

public sealed class LocalSearchTests : IDisposable
{
    private readonly LocalTree _tree = new();

    public LocalSearchTests()
    {
        _tree.Write("alpha.md", "alpha only here", minutes: 10);
        _tree.Write("both.md", "alpha and beta together", minutes: 20);
        _tree.Write("title.md", "# Secret plans\nnothing else", minutes: 30);
        _tree.Write("guide/setup.txt", "alpha setup guide", minutes: 40);
        _tree.Write("guide/deep/more.md", "alpha deeper guide", minutes: 50);
    }

    public void Dispose() => _tree.Dispose();

    [Theory]
    [InlineData("alpha", "\"alpha\"")]
    [InlineData("alpha beta", "\"alpha\" \"beta\"")]
    [InlineData("say \"hi\"", "\"say\" \"\"\"hi\"\"\"")]
    [InlineData("alp*", "\"alp*\"")]
    [InlineData("NEAR(alpha beta)", "\"NEAR(alpha\" \"beta)\"")]
    [InlineData("title:secret", "\"title:secret\"")]
    [InlineData("alpha OR beta", "\"alpha\" \"OR\" \"beta\"")]
    [InlineData("-alpha", "\"-alpha\"")]
    [InlineData("\" * ( ) alpha", "\"alpha\"")]
    public void FtsQuery_QuotesEveryWord(string words, string expected) => Assert.Equal(expected, FtsQuery.From(words));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\" * - ( )")]
    public void FtsQuery_NoWord_IsAnInputError(string words) => Assert.Throws<ToolInputException>(() => FtsQuery.From(words));

    [Theory]
    [InlineData("alpha OR beta")] // OR is a word, not an operator: no file holds "or"
    [InlineData("NEAR(alpha beta)")] // the phrase "near alpha", then "beta)"
    [InlineData("body:alpha")] // no column filter: "body" must occur
    [InlineData("-alpha")] // still finds alpha: a minus is not NOT
    [InlineData("alph*")] // no prefix query
    [InlineData("\"alpha\" OR \"zzz")]
    public async Task Search_InjectionAttempts_AreWordsNotSyntax(string words)
    {
        LocalFolderSource source = (await _tree.IndexedAsync()).Source;

        SearchPage page = await source.SearchAsync(new DocumentQuery { Words = words }, new PageRequest(10, null), LocalTree.Ct);

        switch (words)
        {
            case "-alpha":
                Assert.Equal(4, page.Hits.Count);
                break;
            default:
                Assert.Empty(page.Hits);
                break;
        }
    }

    [Fact]
    public async Task Search_ColumnFilterSyntax_IsAPhraseNotAColumnFilter()
    {
        _tree.Write("handshake.md", "remember the title: secret handshake");
        LocalFolderSource source = (await _tree.IndexedAsync()).Source;

        SearchPage page = await source.SearchAsync(new DocumentQuery { Words = "title:secret" }, new PageRequest(10, null), LocalTree.Ct);

        // As a column filter it would find title.md (title "Secret plans"); as words it is the phrase "title secret".
        Assert.Equal("local:docs/handshake.md", Assert.Single(page.Hits).Id);
    }

    [Fact]
    public async Task Search_ContainerFolder_LimitsToThatFolderAndBelow()
    {
        LocalFolderSource source = (await _tree.IndexedAsync()).Source;

        SearchPage page = await source.SearchAsync(new DocumentQuery { Words = "alpha", Container = "local:docs/guide" }, new PageRequest(10, null), LocalTree.Ct);

        Assert.Equal(["local:docs/guide/deep/more.md", "local:docs/guide/setup.txt"], page.Hits.Select(h => h.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Search_ContainerOutsideTheRoots_IsAnInputError()
    {
        LocalFolderSource source = (await _tree.IndexedAsync()).Source;

        await Assert.ThrowsAsync<ToolInputException>(() =>
            source.SearchAsync(new DocumentQuery { Words = "alpha", Container = "local:docs/../outside" }, new PageRequest(10, null), LocalTree.Ct));
    }

    [Fact]
    public async Task Search_TypesAndModifiedRange_Filter()
    {
        LocalFolderSource source = (await _tree.IndexedAsync()).Source;
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        SearchPage text = await source.SearchAsync(new DocumentQuery { Words = "alpha", Types = [".TXT"] }, new PageRequest(10, null), LocalTree.Ct);
        SearchPage range = await source.SearchAsync(new DocumentQuery { Words = "alpha", ModifiedFrom = start.AddMinutes(20), ModifiedBefore = start.AddMinutes(50) },
            new PageRequest(10, null), LocalTree.Ct);

        Assert.Equal("local:docs/guide/setup.txt", Assert.Single(text.Hits).Id);
        Assert.Equal(["local:docs/both.md", "local:docs/guide/setup.txt"], range.Hits.Select(h => h.Id).Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<ToolInputException>(() =>
            source.SearchAsync(new DocumentQuery { Words = "alpha", Types = ["md') OR 1=1 --"] }, new PageRequest(10, null), LocalTree.Ct));
    }

    [Fact]
    public async Task Search_Pages_WithAnOpaqueCursorBoundToTheQuery()
    {
        LocalFolderSource source = (await _tree.IndexedAsync()).Source;
        var query = new DocumentQuery { Words = "alpha" };

        SearchPage first = await source.SearchAsync(query, new PageRequest(3, null), LocalTree.Ct);
        SearchPage second = await source.SearchAsync(query, new PageRequest(3, first.NextCursor), LocalTree.Ct);

        Assert.Equal(3, first.Hits.Count);
        Assert.NotNull(first.NextCursor);
        Assert.Single(second.Hits);
        Assert.Null(second.NextCursor);
        Assert.Empty(first.Hits.Select(h => h.Id).Intersect(second.Hits.Select(h => h.Id)));
        await Assert.ThrowsAsync<ToolInputException>(() =>
            source.SearchAsync(new DocumentQuery { Words = "guide" }, new PageRequest(3, first.NextCursor), LocalTree.Ct));
        await Assert.ThrowsAsync<ToolInputException>(() => source.SearchAsync(query, new PageRequest(3, "MTAw.AAAA"), LocalTree.Ct));
    }

    [Fact]
    public async Task Snippet_IsCleanedOfControlAndBidiCharacters()
    {
        _tree.Write("tricky.md", "bidi\u202Eword and \u0007bell");
        LocalFolderSource source = (await _tree.IndexedAsync()).Source;

        DocumentHit hit = Assert.Single((await source.SearchAsync(new DocumentQuery { Words = "bell" }, new PageRequest(10, null), LocalTree.Ct)).Hits);

        Assert.DoesNotContain('\u202E', hit.Snippet!);
        Assert.DoesNotContain('\u0007', hit.Snippet!);
    }
}
