using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Local;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;

namespace McpServers.Documents.Tests.Local;

public sealed class LocalListingTests : IDisposable
{
    private readonly LocalTree _tree = new();

    public LocalListingTests()
    {
        _tree.Write("b.md", "bee");
        _tree.Write("A.md", "ay");
        _tree.Write("zeta/inner.md", "inner");
        _tree.Write("Alpha/inner.md", "inner");
        _tree.Write(".hidden.md", "hidden");
        _tree.Write(".git/HEAD", "ref");
        _tree.Write("node_modules/x.md", "module");
    }

    public void Dispose() => _tree.Dispose();

    [Fact]
    public async Task List_Top_IsTheRoots()
    {
        LocalServices local = _tree.Services();

        ListingPage page = await local.Source.ListAsync(null, new PageRequest(10, null), LocalTree.Ct);

        ListingEntry root = Assert.Single(page.Entries);
        Assert.Equal(("local:docs", "docs", "root"), (root.Id, root.Name, root.Kind));
    }

    [Fact]
    public async Task List_Folder_FoldersFirstThenFilesAndNothingExcluded()
    {
        LocalServices local = _tree.Services();

        ListingPage page = await local.Source.ListAsync("local:docs", new PageRequest(10, null), LocalTree.Ct);

        Assert.Equal(["Alpha", "zeta", "A.md", "b.md"], page.Entries.Select(e => e.Name));
        Assert.Equal(["folder", "folder", "file", "file"], page.Entries.Select(e => e.Kind));
        Assert.Equal("local:docs/Alpha", page.Entries[0].Id);
        Assert.Equal(2, page.Entries[2].Size);
    }

    [Fact]
    public async Task List_Pages()
    {
        LocalServices local = _tree.Services();

        ListingPage first = await local.Source.ListAsync("local:docs", new PageRequest(3, null), LocalTree.Ct);
        ListingPage second = await local.Source.ListAsync("local:docs", new PageRequest(3, first.NextCursor), LocalTree.Ct);

        Assert.Equal(3, first.Entries.Count);
        Assert.Equal("b.md", Assert.Single(second.Entries).Name);
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task List_AFile_IsNotFound()
    {
        LocalServices local = _tree.Services();

        var e = await Assert.ThrowsAsync<BackendException>(() => local.Source.ListAsync("local:docs/b.md", new PageRequest(10, null), LocalTree.Ct));

        Assert.Equal(BackendErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task Versions_AreTheCurrentFileOnly_AndGetRefusesAnotherVersion()
    {
        LocalServices local = _tree.Services();

        VersionPage versions = await local.Source.ListVersionsAsync("local:docs/b.md", new PageRequest(10, null), LocalTree.Ct);
        DocumentText text = await local.Source.GetAsync("local:docs/b.md", Assert.Single(versions.Versions).Version, LocalTree.Ct);
        var stale = await Assert.ThrowsAsync<ToolInputException>(() => local.Source.GetAsync("local:docs/b.md", "20250101T000000.000Z-3", LocalTree.Ct));

        Assert.False(local.Source.HasVersions);
        Assert.Equal("20260101T000000.000Z-3", text.Version);
        Assert.Equal("bee", text.Markdown);
        Assert.Equal("markdown", text.Format);
        Assert.Contains("20260101T000000.000Z-3", stale.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RootsReadableAndIndexWritable()
    {
        LocalServices local = _tree.Services();

        SourceCheck check = await local.Source.CheckAsync(LocalTree.Ct);

        Assert.True(check.Ok, check.Detail);
        Assert.Contains("docs", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_RootsNamedOrByFolderName()
    {
        LocalOptions options = LocalOptions.FromConfiguration(Configuration(("Local:Roots", $"handbook={_tree.Root}, {_tree.Outside}")));

        Assert.Equal([new LocalRoot("handbook", _tree.Root), new LocalRoot("outside", _tree.Outside)], options.ParsedRoots);
        Assert.Equal([".git", "node_modules"], options.Exclude);
        Assert.True(options.SameFileSystemOnly);
        Assert.True(options.IndexOnStart);
        Assert.EndsWith(".db", options.IndexFile(), StringComparison.Ordinal);
        Assert.Contains("mcp-documents", options.IndexFile(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docs=relative/path", "absolute")]
    [InlineData("docs=/no/such/folder/anywhere", "does not exist")]
    [InlineData(".hidden=/tmp", "not a root name")]
    public void Options_BadRoots_NameTheSetting(string roots, string problem)
    {
        var e = Assert.Throws<ConfigurationException>(() => LocalOptions.FromConfiguration(Configuration(("Local:Roots", roots))));

        Assert.Contains("Local:Roots", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_TwoRootsOfOneName_AreRefused()
    {
        var e = Assert.Throws<ConfigurationException>(() => LocalOptions.FromConfiguration(Configuration(("Local:Roots", $"a={_tree.Root},a={_tree.Outside}"))));

        Assert.Contains("used twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_WithoutRoots_AddsNothing()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();

        services.AddLocal(Configuration(("Local:IndexPath", "/tmp/x.db")));

        Assert.Empty(services);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
