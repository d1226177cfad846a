using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Local;
using McpServers.Shared.Errors;
using Microsoft.Extensions.Configuration;

namespace McpServers.Documents.Tests.Local;

public sealed class LocalPathSafetyTests : IDisposable
{
    private readonly LocalTree _tree = new();

    public LocalPathSafetyTests()
    {
        _tree.Write("a.md", "# Alpha\nalpha text");
        _tree.Write(".git/config", "[core] hidden");
        _tree.Write("node_modules/pkg/readme.md", "# Package");
    }

    public void Dispose() => _tree.Dispose();

    [Theory]
    [InlineData("local:docs/../outside/secret.md")]
    [InlineData("local:docs/sub/../../outside/secret.md")]
    [InlineData("local:docs/./a.md")]
    [InlineData("local:docs//a.md")]
    [InlineData("local:docs/a.md/")]
    [InlineData("local:docs/.git/config")]
    [InlineData("local:docs/..\\outside\\secret.md")]
    [InlineData("local:docs/a\0.md")]
    [InlineData("local:docs/a\n.md")]
    [InlineData("local:/etc/passwd")]
    [InlineData("local:other/a.md")]
    [InlineData("/etc/passwd")]
    [InlineData("docs/a.md")]
    public async Task Get_MalformedOrOutsideId_IsAnInputError(string id)
    {
        LocalServices local = _tree.Services();

        await Assert.ThrowsAsync<ToolInputException>(() => local.Source.GetAsync(id, null, LocalTree.Ct));
    }

    [Fact]
    public async Task Get_FileSymlinkLeavingTheRoot_IsNotFound()
    {
        File.CreateSymbolicLink(_tree.PathOf("escape.md"), Path.Combine(_tree.Outside, "secret.md"));
        LocalServices local = _tree.Services();

        var e = await Assert.ThrowsAsync<BackendException>(() => local.Source.GetAsync("local:docs/escape.md", null, LocalTree.Ct));

        Assert.Equal(BackendErrorKind.NotFound, e.Kind);
        Assert.DoesNotContain(_tree.Outside, e.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAndList_DirectorySymlinkLeavingTheRoot_AreNotFoundAndNotListed()
    {
        Directory.CreateSymbolicLink(_tree.PathOf("elsewhere"), _tree.Outside);
        LocalServices local = _tree.Services();

        var get = await Assert.ThrowsAsync<BackendException>(() => local.Source.GetAsync("local:docs/elsewhere/secret.md", null, LocalTree.Ct));
        var list = await Assert.ThrowsAsync<BackendException>(() => local.Source.ListAsync("local:docs/elsewhere", new PageRequest(10, null), LocalTree.Ct));
        ListingPage root = await local.Source.ListAsync("local:docs", new PageRequest(10, null), LocalTree.Ct);

        Assert.Equal(BackendErrorKind.NotFound, get.Kind);
        Assert.Equal(BackendErrorKind.NotFound, list.Kind);
        Assert.DoesNotContain(root.Entries, e => e.Name == "elsewhere");
    }

    [Fact]
    public async Task Get_SymlinkIntoAHiddenFolderOfTheRoot_IsNotFound()
    {
        File.CreateSymbolicLink(_tree.PathOf("peek.md"), _tree.PathOf(".git/config"));
        LocalServices local = _tree.Services();

        var e = await Assert.ThrowsAsync<BackendException>(() => local.Source.GetAsync("local:docs/peek.md", null, LocalTree.Ct));

        Assert.Equal(BackendErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task Get_SymlinkStayingInsideTheRoot_IsRead()
    {
        File.CreateSymbolicLink(_tree.PathOf("alias.md"), _tree.PathOf("a.md"));
        LocalServices local = _tree.Services();

        DocumentText text = await local.Source.GetAsync("local:docs/alias.md", null, LocalTree.Ct);

        Assert.Equal("local:docs/alias.md", text.Id);
        Assert.Contains("alpha text", text.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ExcludedFolder_IsNotFound()
    {
        LocalServices local = _tree.Services();

        var e = await Assert.ThrowsAsync<BackendException>(() => local.Source.GetAsync("local:docs/node_modules/pkg/readme.md", null, LocalTree.Ct));

        Assert.Equal(BackendErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task Get_ConfiguredGlob_IsNotFoundAndNotListed()
    {
        _tree.Write("draft.tmp.md", "draft words");
        _tree.Write("private/notes.md", "private words");
        LocalServices local = _tree.Services(settings: new Dictionary<string, string?> { ["Local:Exclude"] = "*.tmp.md,private/*" });

        var glob = await Assert.ThrowsAsync<BackendException>(() => local.Source.GetAsync("local:docs/draft.tmp.md", null, LocalTree.Ct));
        var path = await Assert.ThrowsAsync<BackendException>(() => local.Source.GetAsync("local:docs/private/notes.md", null, LocalTree.Ct));
        ListingPage root = await local.Source.ListAsync("local:docs", new PageRequest(10, null), LocalTree.Ct);

        Assert.Equal(BackendErrorKind.NotFound, glob.Kind);
        Assert.Equal(BackendErrorKind.NotFound, path.Kind);
        Assert.DoesNotContain(root.Entries, e => e.Name == "draft.tmp.md");
    }

    [Fact]
    public async Task Fifo_IsNeitherReadListedNorIndexed()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "FIFOs are created with mkfifo on Linux");
        LocalTree.MakeFifo(_tree.PathOf("pipe.md"));
        LocalServices local = _tree.Services();

        var e = await Assert.ThrowsAsync<BackendException>(() => local.Source.GetAsync("local:docs/pipe.md", null, LocalTree.Ct));
        ListingPage root = await local.Source.ListAsync("local:docs", new PageRequest(10, null), LocalTree.Ct);
        Assert.True(await local.Indexer.RunAsync(LocalTree.Ct));
        SearchPage hits = await local.SearchAsync("pipe");

        Assert.Equal(BackendErrorKind.NotFound, e.Kind);
        Assert.DoesNotContain(root.Entries, entry => entry.Name == "pipe.md");
        Assert.Empty(hits.Hits);
    }

    [Fact]
    public async Task UnicodeAndSpaces_AreIndexedReadAndListed()
    {
        _tree.Write("Team Docs/Reisekosten – Überblick.md", "# Reisekosten\nTagegeld für Dienstreisen");
        LocalServices local = _tree.Services();
        Assert.True(await local.Indexer.RunAsync(LocalTree.Ct));

        SearchPage hits = await local.SearchAsync("tagegeld");
        DocumentText text = await local.Source.GetAsync("local:docs/Team Docs/Reisekosten – Überblick.md", null, LocalTree.Ct);
        ListingPage folder = await local.Source.ListAsync("local:docs/Team Docs", new PageRequest(10, null), LocalTree.Ct);

        Assert.Equal("local:docs/Team Docs/Reisekosten – Überblick.md", Assert.Single(hits.Hits).Id);
        Assert.Equal("docs/Team Docs", hits.Hits[0].Location);
        Assert.Equal("Reisekosten", text.Title);
        Assert.Equal("Reisekosten – Überblick.md", Assert.Single(folder.Entries).Name);
    }

    [Fact]
    public void Paths_RootOfAnotherDevice_IsRefusedWhenSameFileSystemOnly()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Directory.Exists("/proc/self"), "needs Linux with /proc (another file system)");
        var options = LocalOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Local:Roots"] = "root=/" }).Build());
        var paths = new LocalPaths(options);

        // /proc is its own file system (procfs) under the root "/": refused although inside the root.
        Assert.Null(paths.Inspect(paths.Roots[0], "/proc/self/status"));
        Assert.NotNull(new LocalPaths(options with { SameFileSystemOnly = false }).Inspect(paths.Roots[0], "/proc/self/status"));
    }
}
