using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Local;
using McpServers.Shared.Errors;
using McpServers.Testing.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace McpServers.Documents.Tests.Local;

public sealed class LocalIndexTests : IDisposable
{
    private readonly LocalTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public async Task Build_IndexesTextAndTitles()
    {
        _tree.Write("policies/travel.md", "# Travel policy\nThe per diem is 40 euros.");
        _tree.Write("notes.txt", "plain notes about budgets");

        LocalServices local = await _tree.IndexedAsync();
        SearchPage page = await local.SearchAsync("per diem");

        DocumentHit hit = Assert.Single(page.Hits);
        Assert.Equal("local:docs/policies/travel.md", hit.Id);
        Assert.Equal("Travel policy", hit.Title);
        Assert.Equal("docs/policies", hit.Location);
        Assert.Contains("**per**", hit.Snippet, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), hit.Modified);
        Assert.Null(page.Notice);
        Assert.Equal("local", page.Source);
    }

    [Fact]
    public async Task Build_CreatesTheIndexFolderForTheUserOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Windows has no Unix file modes.");
            return;
        }

        _tree.Write("notes.txt", "plain notes about budgets");

        await _tree.IndexedAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(_tree.IndexPath)!));
    }

    [Fact]
    public async Task Build_CreatesTheIndexFilesForTheUserOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Windows has no Unix file modes.");
            return;
        }

        _tree.Write("notes.txt", "plain notes about budgets");
        await _tree.IndexedAsync();

        // An open connection keeps the WAL files in place.
        using var reader = new SqliteConnection($"Data Source={_tree.IndexPath}");
        reader.Open();
        using (SqliteCommand count = reader.CreateCommand())
        {
            count.CommandText = "SELECT count(*) FROM files";
            Assert.Equal(1L, count.ExecuteScalar());
        }

        foreach (string file in new[] { _tree.IndexPath, _tree.IndexPath + "-wal", _tree.IndexPath + "-shm", _tree.IndexPath + ".lock" })
        {
            Assert.True(File.Exists(file), file);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Build_IndexFilesAnEarlierVersionLeftReadableByOthers_AreNarrowedToTheUser()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Windows has no Unix file modes.");
            return;
        }

        _tree.Write("notes.txt", "plain notes about budgets");
        await _tree.IndexedAsync();
        const UnixFileMode Wide = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(_tree.IndexPath, Wide);
        File.SetUnixFileMode(_tree.IndexPath + ".lock", Wide);

        _tree.Write("more.txt", "more notes");
        Assert.True(await _tree.Services().Indexer.RunAsync(LocalTree.Ct));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_tree.IndexPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_tree.IndexPath + ".lock"));
    }

    [Fact]
    public void DefaultIndexFolder_WithoutLocalAppData_IsOnePerUserInTheTempFolder()
    {
        string ada = LocalOptions.DefaultIndexFolder("", "/tmp", "1000");
        string grace = LocalOptions.DefaultIndexFolder("", "/tmp", "1001");

        Assert.Equal(Path.Combine("/tmp", "mcp-documents-1000"), ada);
        Assert.NotEqual(ada, grace);
        Assert.Equal(Path.Combine("/home/ada/.local/share", "mcp-documents"), LocalOptions.DefaultIndexFolder("/home/ada/.local/share", "/tmp", "1000"));
    }

    [Fact]
    public void DefaultIndexFolder_MadeWideBeforehand_IsNarrowedToTheUser()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Windows has no Unix file modes.");
            return;
        }

        string folder = Path.Combine(_tree.Outside, "mcp-documents-1000");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);

        new LocalIndex(Path.Combine(folder, "index.db"), ownsFolder: true).CreateFolder();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
    }

    [Fact]
    public void DefaultIndexFolder_ALinkPlantedThere_IsRefusedAndItsTargetLeftAlone()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Windows has no Unix file modes.");
            return;
        }

        string target = Directory.CreateDirectory(Path.Combine(_tree.Outside, "planted")).FullName;
        File.SetUnixFileMode(target, (UnixFileMode)0b111_111_111);
        string folder = Path.Combine(_tree.Outside, "mcp-documents-1000");
        Directory.CreateSymbolicLink(folder, target);

        IOException refused = Assert.Throws<IOException>(() => new LocalIndex(Path.Combine(folder, "index.db"), ownsFolder: true).CreateFolder());

        Assert.Contains("Local:IndexPath", refused.Message, StringComparison.Ordinal);
        Assert.Equal((UnixFileMode)0b111_111_111, File.GetUnixFileMode(target));
    }

    [Fact]
    public async Task Reindex_PicksUpChangedAddedAndDeletedFiles()
    {
        _tree.Write("changed.md", "original wording", minutes: 1);
        _tree.Write("deleted.md", "doomed wording", minutes: 1);
        _tree.Write("same.md", "steady wording", minutes: 1);
        LocalServices local = _tree.Services();
        Assert.True(await local.Indexer.RunAsync(LocalTree.Ct));

        _tree.Write("changed.md", "revised wording", minutes: 2);
        File.Delete(_tree.PathOf("deleted.md"));
        _tree.Write("added.md", "fresh wording", minutes: 2);
        Assert.True(await local.Indexer.RunAsync(LocalTree.Ct));

        Assert.Empty((await local.SearchAsync("original")).Hits);
        Assert.Equal("local:docs/changed.md", Assert.Single((await local.SearchAsync("revised")).Hits).Id);
        Assert.Empty((await local.SearchAsync("doomed")).Hits);
        Assert.Equal("local:docs/added.md", Assert.Single((await local.SearchAsync("fresh")).Hits).Id);
        Assert.Equal(3, (await local.SearchAsync("wording")).Hits.Count);
    }

    [Fact]
    public async Task Reindex_UnchangedSizeAndTime_IsNotReadAgain()
    {
        string path = _tree.Write("stable.md", "first words", minutes: 5);
        LocalServices local = _tree.Services();
        Assert.True(await local.Indexer.RunAsync(LocalTree.Ct));

        // Same size, same modification time: the indexer trusts the fingerprint and keeps what it read.
        File.WriteAllText(path, "other words");
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 5, 0, DateTimeKind.Utc));
        Assert.True(await local.Indexer.RunAsync(LocalTree.Ct));

        Assert.Single((await local.SearchAsync("first")).Hits);
        Assert.Empty((await local.SearchAsync("other")).Hits);
    }

    [Fact]
    public async Task Search_WhileTheFirstBuildRuns_AnswersFromThePartialIndexAndSaysSo()
    {
        for (int i = 0; i < 5; i++)
        {
            _tree.Write($"file{i}.md", $"shared word number{i}");
        }

        var hooks = new GatedHooks(batchSize: 2);
        LocalServices local = _tree.Services(hooks: hooks);
        Task<bool> build = local.Indexer.RunAsync(LocalTree.Ct);
        await hooks.Paused;

        SearchPage partial = await local.SearchAsync("shared");
        hooks.Release();
        Assert.True(await build);
        SearchPage complete = await local.SearchAsync("shared");

        Assert.Equal(["local:docs/file0.md", "local:docs/file1.md"], partial.Hits.Select(h => h.Id).Order(StringComparer.Ordinal));
        Assert.Equal("The local index is still building: 2 of 5 files indexed; results may be incomplete.", partial.Notice);
        Assert.Equal(5, complete.Hits.Count);
        Assert.Null(complete.Notice);
    }

    [Fact]
    public async Task Search_BeforeAnyIndex_SaysTheIndexIsBuilding()
    {
        _tree.Write("a.md", "words");
        var hooks = new GatedHooks(batchSize: 1);
        LocalServices local = _tree.Services(hooks: hooks, settings: new Dictionary<string, string?> { ["Local:IndexOnStart"] = "false" });

        // IndexOnStart false: the first search starts the build in the background and answers at once.
        SearchPage first = await local.SearchAsync("words");
        await hooks.Paused;
        hooks.Release();
        await local.Indexer.Running!;

        Assert.NotNull(first.Notice);
        Assert.StartsWith("The local index is still building", first.Notice, StringComparison.Ordinal);
        Assert.Single((await local.SearchAsync("words")).Hits);
    }

    [Fact]
    public async Task TwoSourcesOnOneIndex_TheSecondDoesNotWriteWhileTheFirstHoldsTheLock()
    {
        _tree.Write("one.md", "common alpha");
        _tree.Write("two.md", "common beta");
        _tree.Write("three.md", "common gamma");
        var hooks = new GatedHooks(batchSize: 1);
        LocalServices first = _tree.Services(hooks: hooks);
        LocalServices second = _tree.Services();
        Task<bool> building = first.Indexer.RunAsync(LocalTree.Ct);
        await hooks.Paused;

        bool secondWrote = await second.Indexer.RunAsync(LocalTree.Ct);
        SearchPage readBySecond = await second.SearchAsync("common");
        hooks.Release();
        Assert.True(await building);

        Assert.False(secondWrote);
        Assert.Single(readBySecond.Hits);
        Assert.Equal("The local index is still building: 1 of 3 files indexed; results may be incomplete.", readBySecond.Notice);
        Assert.Equal(3, (await second.SearchAsync("common")).Hits.Count);
        Assert.True(await second.Indexer.RunAsync(LocalTree.Ct));
    }

    [Fact]
    public async Task UnreadableFile_IsIndexedByNameAndReportedNotACrash()
    {
        _tree.Write("broken.xyz", "anything");
        _tree.Write("good.md", "readable words");

        LocalServices local = await _tree.IndexedAsync();
        DocumentHit hit = Assert.Single((await local.SearchAsync("broken")).Hits);
        var get = await Assert.ThrowsAsync<BackendException>(() => local.Source.GetAsync("local:docs/broken.xyz", null, LocalTree.Ct));

        Assert.StartsWith("could not be read: ", hit.Snippet, StringComparison.Ordinal);
        Assert.Contains(".xyz", hit.Snippet, StringComparison.Ordinal);
        Assert.Equal(BackendErrorKind.Invalid, get.Kind);
        Assert.Single((await local.SearchAsync("readable")).Hits);
    }

    [Fact]
    public async Task FileOverTheByteCap_IsListedButNotIndexedOrRead()
    {
        _tree.Write("big.md", "# Big\n" + string.Concat(Enumerable.Repeat("bulky ", 100)));
        _tree.Write("small.md", "tiny");
        LocalFolderSource source = (await _tree.IndexedAsync(caps => caps.MaxFileBytes = 100)).Source;

        DocumentHit hit = Assert.Single((await source.SearchAsync(new DocumentQuery { Words = "big" }, new PageRequest(10, null), LocalTree.Ct)).Hits);
        SearchPage body = await source.SearchAsync(new DocumentQuery { Words = "bulky" }, new PageRequest(10, null), LocalTree.Ct);
        var get = await Assert.ThrowsAsync<BackendException>(() => source.GetAsync("local:docs/big.md", null, LocalTree.Ct));
        ListingPage listing = await source.ListAsync("local:docs", new PageRequest(10, null), LocalTree.Ct);

        Assert.Contains("Documents:MaxFileBytes", hit.Snippet, StringComparison.Ordinal);
        Assert.Empty(body.Hits);
        Assert.Equal(BackendErrorKind.TooExpensive, get.Kind);
        Assert.Contains("Documents:MaxFileBytes", get.SafeMessage, StringComparison.Ordinal);
        Assert.Contains(listing.Entries, e => e.Name == "big.md");
    }

    [Fact]
    public async Task LongFile_IsCutAtTheCharacterCapWhenRead()
    {
        _tree.Write("long.md", "# Long\n" + new string('x', 500));
        LocalServices local = _tree.Services(caps => caps.MaxDocumentChars = 50);

        DocumentText text = await local.Source.GetAsync("local:docs/long.md", null, LocalTree.Ct);

        Assert.True(text.Truncated);
        Assert.Equal(50, text.Markdown.Length);
        Assert.Contains("Documents:MaxDocumentChars", text.TruncationReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_AfterTheRefreshInterval_StartsAnIncrementalPass()
    {
        _tree.Write("old.md", "early words");
        var clock = new ManualClock();
        LocalServices local = _tree.Services(time: clock, settings: new Dictionary<string, string?> { ["Local:RefreshInterval"] = "00:05:00" });
        await local.SearchAsync("early");
        await local.Indexer.Running!;
        _tree.Write("new.md", "later words");

        clock.Now += TimeSpan.FromMinutes(4);
        Task first = local.Indexer.Running!;
        await local.SearchAsync("later");
        Assert.Same(first, local.Indexer.Running);

        clock.Now += TimeSpan.FromMinutes(1);
        await local.SearchAsync("later");
        await local.Indexer.Running!;

        Assert.NotSame(first, local.Indexer.Running);
        Assert.Equal("local:docs/new.md", Assert.Single((await local.SearchAsync("later")).Hits).Id);
    }

    [Fact]
    public async Task Server_RegistersTheSourceAndWritesProgressToTheDiagnosticLog()
    {
        _tree.Write("a.md", "words");
        await using var server = new InMemoryMcpServer((services, configuration) => services.AddDocumentsServer(configuration),
            new Dictionary<string, string?> { ["Local:Roots"] = "docs=" + _tree.Root, ["Local:IndexPath"] = _tree.IndexPath, ["Local:IndexOnStart"] = "false" });

        IDocumentSource source = Assert.Single(server.Services.GetServices<IDocumentSource>());
        LocalIndexer indexer = server.Services.GetRequiredService<LocalIndexer>();
        Assert.True(await indexer.RunAsync(LocalTree.Ct));

        Assert.Equal("local", source.Name);
        Assert.Contains(server.Services.GetServices<IHostedService>(), s => s is LocalIndexer);
        Assert.Contains("Indexing local folders: 1 files to check", server.DiagnosticLog, StringComparison.Ordinal);
        Assert.Contains("Local index ready: 1 files (1 read, 0 removed)", server.DiagnosticLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reindex_RootNoLongerConfigured_IsDroppedFromTheIndex()
    {
        _tree.Write("kept.md", "shared word");
        string other = Directory.CreateDirectory(Path.Combine(_tree.Outside, "other")).FullName;
        File.WriteAllText(Path.Combine(other, "gone.md"), "shared word");
        LocalServices both = _tree.Services(settings: new Dictionary<string, string?> { ["Local:Roots"] = $"docs={_tree.Root},other={other}" });
        Assert.True(await both.Indexer.RunAsync(LocalTree.Ct));
        Assert.Equal(2, (await both.SearchAsync("shared")).Hits.Count);

        LocalServices one = await _tree.IndexedAsync();

        Assert.Equal("local:docs/kept.md", Assert.Single((await one.SearchAsync("shared")).Hits).Id);
    }

    [Fact]
    public async Task Search_BeforeTheNextPass_ShowsNothingOfARemovedRootOrANewExclusion()
    {
        _tree.Write("kept.md", "shared word");
        _tree.Write("secret/keys.md", "shared word");
        string other = Directory.CreateDirectory(Path.Combine(_tree.Outside, "other")).FullName;
        File.WriteAllText(Path.Combine(other, "gone.md"), "shared word");
        LocalServices both = _tree.Services(settings: new Dictionary<string, string?> { ["Local:Roots"] = $"docs={_tree.Root},other={other}" });
        Assert.True(await both.Indexer.RunAsync(LocalTree.Ct));
        Assert.Equal(3, (await both.SearchAsync("shared")).Hits.Count);

        // Same index file, new settings, and no pass has run since.
        LocalServices narrowed = _tree.Services(settings: new Dictionary<string, string?> { ["Local:Roots"] = $"docs={_tree.Root}", ["Local:Exclude"] = "secret" });

        Assert.Equal("local:docs/kept.md", Assert.Single((await narrowed.SearchAsync("shared")).Hits).Id);
    }
}
