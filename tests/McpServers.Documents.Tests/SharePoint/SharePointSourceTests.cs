using System.Text.Json.Nodes;
using McpServers.Documents.Backend;
using McpServers.Documents.Backend.SharePoint;
using McpServers.Documents.Options;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Testing.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Documents.Tests.SharePoint;

/// <summary>The SharePoint source against the loopback Graph, as an app registration (client credentials).</summary>
public sealed class SharePointSourceTests : IAsyncLifetime
{
    private readonly FakeGraph _graph = new();
    private ServiceProvider? _services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => new(_graph.StartAsync(Ct));

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _graph.DisposeAsync();
    }

    private IDocumentSource Source(Dictionary<string, string?>? extra = null, DocumentsOptions? limits = null)
    {
        Dictionary<string, string?> settings = _graph.Configuration();
        foreach ((string key, string? value) in extra ?? [])
        {
            settings[key] = value;
        }

        _services = SharePointServices.Build(settings, limits);
        return _services.GetRequiredService<IDocumentSource>();
    }

    private static JsonNode SearchBody(RecordedRequest request) => JsonNode.Parse(request.Body)!["requests"]![0]!;

    [Fact]
    public async Task Search_SendsEveryWordQuoted_AndTheAllowedSitesAsPathTerms()
    {
        IDocumentSource source = Source();

        await source.SearchAsync(new DocumentQuery { Words = "per-diem \"policy\" OR path:secret* filetype:exe (x) NEAR" }, new PageRequest(5, null), Ct);

        RecordedRequest sent = Assert.Single(_graph.Requests, r => r.Path == "/v1.0/search/query");
        Assert.Equal("POST", sent.Method);
        JsonNode body = SearchBody(sent);
        Assert.Equal("driveItem", Assert.Single(body["entityTypes"]!.AsArray())!.GetValue<string>());
        Assert.Equal(0, body["from"]!.GetValue<int>());
        Assert.Equal(5, body["size"]!.GetValue<int>());
        Assert.Equal("\"per-diem\" \"policy\" \"OR\" \"path:secret*\" \"filetype:exe\" \"(x)\" \"NEAR\" AND (path:\"https://contoso.sharepoint.com/sites/Policies\")",
            body["query"]!["queryString"]!.GetValue<string>());
        Assert.Equal("Bearer " + FakeGraph.AccessToken, sent.Header("Authorization"));
    }

    [Fact]
    public void Kql_TypesAndDatesComeFromValidatedValues()
    {
        string kql = SharePointSource.Kql(new DocumentQuery
        {
            Words = "budget\u0007 \"\"",
            Types = ["docx", "PDF"],
            ModifiedFrom = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(1)),
            ModifiedBefore = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero),
        }, ["https://contoso.sharepoint.com/sites/A", "https://contoso.sharepoint.com/sites/B"]);

        Assert.Equal("\"budget\" AND (filetype:docx OR filetype:pdf) AND LastModifiedTime>=2026-02-28T23:00:00Z AND LastModifiedTime<2026-04-01T00:00:00Z"
            + " AND (path:\"https://contoso.sharepoint.com/sites/A\" OR path:\"https://contoso.sharepoint.com/sites/B\")", kql);
    }

    [Theory]
    [InlineData("\"\" \"")]
    [InlineData("   ")]
    public void Kql_WithoutAWord_IsAnInputError(string words) =>
        Assert.Throws<ToolInputException>(() => SharePointSource.Kql(new DocumentQuery { Words = words }, ["https://x.sharepoint.com/sites/A"]));

    [Fact]
    public void Kql_RefusesATypeThatIsNotAnExtension() =>
        Assert.Throws<ToolInputException>(() => SharePointSource.Kql(new DocumentQuery { Words = "x", Types = ["docx OR path:*"] }, ["https://x/"]));

    [Fact]
    public async Task Search_DropsHitsOutsideTheAllowlist_AndCleansSnippets()
    {
        IDocumentSource source = Source();

        SearchPage page = await source.SearchAsync(new DocumentQuery { Words = "per-diem" }, new PageRequest(3, null), Ct);

        Assert.Equal(["sharepoint:b!policies/01TRAVEL", "sharepoint:b!archive/01OLD"], page.Hits.Select(h => h.Id));
        DocumentHit travel = page.Hits[0];
        Assert.Equal("travel.md", travel.Title);
        Assert.Equal("The per-diem rate is 50 EUR", travel.Snippet);
        Assert.Equal("Policies / Documents", travel.Location);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero), travel.Modified);
        Assert.DoesNotContain(page.Hits, h => h.Title.Contains("salaries", StringComparison.Ordinal));
        Assert.Null(page.Total); // Graph's total counts what was dropped
        Assert.NotNull(page.NextCursor);

        await source.SearchAsync(new DocumentQuery { Words = "per-diem" }, new PageRequest(3, page.NextCursor), Ct);
        Assert.Equal(3, SearchBody(_graph.Requests.Last(r => r.Path == "/v1.0/search/query"))["from"]!.GetValue<int>());
    }

    [Fact]
    public async Task Search_ACursorOfAnotherQuery_IsRefused()
    {
        IDocumentSource source = Source();
        SearchPage page = await source.SearchAsync(new DocumentQuery { Words = "per-diem" }, new PageRequest(3, null), Ct);

        await Assert.ThrowsAsync<ToolInputException>(() => source.SearchAsync(new DocumentQuery { Words = "salaries" }, new PageRequest(3, page.NextCursor), Ct));
    }

    [Fact]
    public async Task Search_WithDrivesNarrowed_DropsTheOtherLibraries()
    {
        IDocumentSource source = Source(new() { ["SharePoint:Drives"] = FakeGraph.Drive });

        SearchPage page = await source.SearchAsync(new DocumentQuery { Words = "per-diem" }, new PageRequest(3, null), Ct);

        Assert.Equal(["sharepoint:b!policies/01TRAVEL"], page.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Search_InADrive_IsRestrictedToItsPath()
    {
        IDocumentSource source = Source();

        SearchPage page = await source.SearchAsync(new DocumentQuery { Words = "per-diem", Container = "sharepoint:b!archive" }, new PageRequest(3, null), Ct);

        Assert.Equal(["sharepoint:b!archive/01OLD"], page.Hits.Select(h => h.Id));
        Assert.EndsWith("AND (path:\"https://contoso.sharepoint.com/sites/Policies/Archive\")",
            SearchBody(_graph.Requests.Single(r => r.Path == "/v1.0/search/query"))["query"]!["queryString"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_TopLevel_ShowsTheVisibleSites_ThenASiteItsLibraries()
    {
        IDocumentSource source = Source(new() { ["SharePoint:Sites"] = FakeGraph.SiteReference + ",contoso.sharepoint.com:/sites/Gone" });

        ListingPage top = await source.ListAsync(null, new PageRequest(10, null), Ct);
        ListingEntry site = Assert.Single(top.Entries);
        Assert.Equal(("sharepoint:site:" + FakeGraph.SiteId, "Policies", "site"), (site.Id, site.Name, site.Kind));

        ListingPage drives = await source.ListAsync(site.Id, new PageRequest(10, null), Ct);
        Assert.Equal(["sharepoint:b!policies", "sharepoint:b!archive"], drives.Entries.Select(e => e.Id));
        Assert.All(drives.Entries, e => Assert.Equal("drive", e.Kind));
        Assert.Contains(_graph.Requests, r => r.Path == "/v1.0/sites/contoso.sharepoint.com:/sites/Gone");
    }

    [Fact]
    public async Task List_Folder_PagesWithNextLink_FoldersFirst()
    {
        IDocumentSource source = Source();

        ListingPage first = await source.ListAsync("sharepoint:b!policies", new PageRequest(2, null), Ct);
        Assert.Equal([("sharepoint:b!policies/01FOLDER", "folder"), ("sharepoint:b!policies/01NOTES", "file")], first.Entries.Select(e => (e.Id, e.Kind)));
        Assert.Equal(12, first.Entries[1].Size);
        Assert.NotNull(first.NextCursor);
        ListingPage second = await source.ListAsync("sharepoint:b!policies", new PageRequest(2, first.NextCursor), Ct);
        ListingPage third = await source.ListAsync("sharepoint:b!policies", new PageRequest(2, second.NextCursor), Ct);

        Assert.Equal(["sharepoint:b!policies/01TRAVEL", "sharepoint:b!policies/01BIG"], second.Entries.Select(e => e.Id));
        Assert.Equal(["sharepoint:b!policies/01LIAR"], third.Entries.Select(e => e.Id));
        Assert.Null(third.NextCursor);
        string[] queries = [.. _graph.Requests.Where(r => r.Path == "/v1.0/drives/b!policies/root/children").Select(r => r.RawQuery)];
        Assert.StartsWith("?$top=2&$select=", queries[0], StringComparison.Ordinal);
        Assert.Equal(["?$top=2&$skiptoken=2", "?$top=2&$skiptoken=4"], queries[1..]);
    }

    [Theory]
    [InlineData("https://evil.example/v1.0/drives/b!policies/root/children?$skiptoken=2")]
    [InlineData("{graph}v1.0/drives/b!secret/root/children?$skiptoken=2")]
    public async Task List_ANextLinkOffTheGraphHostOrListing_IsNotFollowed(string link)
    {
        _graph.NextLinkOverride = link.Replace("{graph}", _graph.BaseUrl.ToString(), StringComparison.Ordinal);
        IDocumentSource source = Source();

        ListingPage first = await source.ListAsync("sharepoint:b!policies", new PageRequest(2, null), Ct);

        Assert.Equal(2, first.Entries.Count);
        Assert.Null(first.NextCursor);
    }

    [Fact]
    public async Task List_ACursorOfAnotherFolder_IsRefused()
    {
        IDocumentSource source = Source();
        ListingPage first = await source.ListAsync("sharepoint:b!policies", new PageRequest(2, null), Ct);

        await Assert.ThrowsAsync<ToolInputException>(() => source.ListAsync("sharepoint:b!archive", new PageRequest(2, first.NextCursor), Ct));
    }

    [Theory]
    [InlineData("sharepoint:b!secret")]
    [InlineData("sharepoint:b!secret/01TRAVEL")]
    [InlineData("sharepoint:site:" + FakeGraph.SecretSiteId)]
    public async Task List_OutsideTheAllowlist_IsNotFound_AndNeverAsked(string id)
    {
        IDocumentSource source = Source();

        BackendException error = await Assert.ThrowsAsync<BackendException>(() => source.ListAsync(id, new PageRequest(2, null), Ct));

        Assert.Equal(BackendErrorKind.NotFound, error.Kind);
        Assert.DoesNotContain(_graph.Requests, r => r.Path.Contains("secret", StringComparison.Ordinal) || r.Path.Contains("3333", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sharepoint:")]
    [InlineData("sharepoint:b!policies/../b!secret")]
    [InlineData("sharepoint:b!policies/01A?x=1")]
    [InlineData("sharepoint:b!policies/01A/children")]
    [InlineData("sharepoint:site:contoso.sharepoint.com:/sites/Secret")]
    [InlineData("confluence:123")]
    public async Task Ids_OfAnotherShape_AreInputErrors(string id)
    {
        IDocumentSource source = Source();

        await Assert.ThrowsAsync<ToolInputException>(() => source.GetAsync(id, null, Ct));
        await Assert.ThrowsAsync<ToolInputException>(() => source.ListVersionsAsync(id, new PageRequest(2, null), Ct));
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task Get_DownloadsFromTheRedirectTarget_WithoutTheToken()
    {
        IDocumentSource source = Source();

        DocumentText text = await source.GetAsync("sharepoint:b!policies/01TRAVEL", null, Ct);

        Assert.Equal("# Travel policy\n\nThe per-diem is 50 EUR.", text.Markdown);
        Assert.Equal(("travel.md", "markdown", "Policies / Documents / HR Policies", "3.0"), (text.Title, text.Format, text.Location, text.Version));
        RecordedRequest content = Assert.Single(_graph.Requests, r => r.Path == "/v1.0/drives/b!policies/items/01TRAVEL/content");
        Assert.Equal("Bearer " + FakeGraph.AccessToken, content.Header("Authorization"));
        RecordedRequest download = Assert.Single(_graph.DownloadRequests);
        Assert.Equal("/download/01TRAVEL", download.Path);
        Assert.Null(download.Header("Authorization"));
        Assert.DoesNotContain(download.Headers.Values, v => v.Contains(FakeGraph.AccessToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_ADownloadHostNotAllowlisted_IsRefused_AndReceivesNothing()
    {
        IDocumentSource source = Source(new() { ["SharePoint:Http:DownloadHosts"] = "sharepoint.com" });

        BackendException error = await Assert.ThrowsAsync<BackendException>(() => source.GetAsync("sharepoint:b!policies/01TRAVEL", null, Ct));

        Assert.Equal(BackendErrorKind.Unavailable, error.Kind);
        Assert.Empty(_graph.DownloadRequests);
    }

    [Fact]
    public async Task Get_AFileOverTheSizeCap_IsRefusedBeforeTheDownload()
    {
        IDocumentSource source = Source();

        BackendException error = await Assert.ThrowsAsync<BackendException>(() => source.GetAsync("sharepoint:b!policies/01BIG", null, Ct));

        Assert.Equal(BackendErrorKind.TooExpensive, error.Kind);
        Assert.Contains("Documents:MaxFileBytes", error.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(_graph.Requests, r => r.Path.EndsWith("/content", StringComparison.Ordinal));
        Assert.Empty(_graph.DownloadRequests);
    }

    [Fact]
    public async Task Get_AFileLargerThanItSaid_StopsAtTheCapWhileStreaming()
    {
        IDocumentSource source = Source(limits: new DocumentsOptions { MaxFileBytes = 1000 });

        BackendException error = await Assert.ThrowsAsync<BackendException>(() => source.GetAsync("sharepoint:b!policies/01LIAR", null, Ct));

        Assert.Equal(BackendErrorKind.TooExpensive, error.Kind);
        Assert.Single(_graph.DownloadRequests);
    }

    [Fact]
    public async Task Get_AFolder_IsAnInputError()
    {
        IDocumentSource source = Source();

        await Assert.ThrowsAsync<ToolInputException>(() => source.GetAsync("sharepoint:b!policies/01FOLDER", null, Ct));
    }

    [Fact]
    public async Task Get_AVersion_ReadsThatVersionsContent()
    {
        IDocumentSource source = Source();

        DocumentText text = await source.GetAsync("sharepoint:b!policies/01TRAVEL", "2.0", Ct);

        Assert.Equal("# Travel policy\n\nThe per-diem is 40 EUR.", text.Markdown);
        Assert.Equal("2.0", text.Version);
        Assert.Contains(_graph.Requests, r => r.Path == "/v1.0/drives/b!policies/items/01TRAVEL/versions/2.0/content");
        Assert.Equal("/download/01TRAVEL-v2.0", Assert.Single(_graph.DownloadRequests).Path);
    }

    [Fact]
    public async Task Get_TheCurrentVersionById_ReadsTheItemsOwnContent()
    {
        IDocumentSource source = Source();

        DocumentText text = await source.GetAsync("sharepoint:b!policies/01TRAVEL", "3.0", Ct);

        Assert.Equal(("3.0", "# Travel policy\n\nThe per-diem is 50 EUR."), (text.Version, text.Markdown));
        Assert.DoesNotContain(_graph.Requests, r => r.Path.Contains("/versions/3.0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2.0/../../x")]
    [InlineData("9.0")]
    public async Task Get_AnOddOrOversizedVersion_IsRefusedWithoutADownload(string version)
    {
        IDocumentSource source = Source();

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => source.GetAsync("sharepoint:b!policies/01TRAVEL", version, Ct));

        Assert.True(error is ToolInputException or BackendException { Kind: BackendErrorKind.TooExpensive }, error.GetType().Name);
        Assert.Empty(_graph.DownloadRequests);
    }

    [Fact]
    public async Task Versions_NewestFirst_Paged()
    {
        IDocumentSource source = Source();

        VersionPage first = await source.ListVersionsAsync("sharepoint:b!policies/01TRAVEL", new PageRequest(2, null), Ct);
        VersionPage second = await source.ListVersionsAsync("sharepoint:b!policies/01TRAVEL", new PageRequest(2, first.NextCursor), Ct);

        Assert.Equal(["3.0", "2.0"], first.Versions.Select(v => v.Version));
        Assert.Equal("Jane Doe", first.Versions[0].Author);
        Assert.Equal(["1.0"], second.Versions.Select(v => v.Version));
        Assert.Null(second.NextCursor);
    }

    [Theory]
    [InlineData("01GONE")]
    [InlineData("01DENIED")]
    public async Task Errors_NotFoundAndAccessDenied_SayNotFoundOrNotVisible(string item)
    {
        IDocumentSource source = Source();

        BackendException error = await Assert.ThrowsAsync<BackendException>(() => source.GetAsync("sharepoint:b!policies/" + item, null, Ct));

        Assert.Equal(BackendErrorKind.NotFound, error.Kind);
        Assert.Equal("The document or folder was not found or is not visible to you.", error.SafeMessage);
    }

    [Fact]
    public async Task Errors_401_NamesTheClientSecretSetting()
    {
        IDocumentSource source = Source();
        _graph.RejectTokens = true;

        BackendException error = await Assert.ThrowsAsync<BackendException>(() => source.ListAsync(null, new PageRequest(2, null), Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, error.Kind);
        Assert.Contains("SHAREPOINT_CLIENT_SECRET (SharePoint:ClientSecret)", error.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-", error.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimited_IsRetriedAsGraphAsks()
    {
        IDocumentSource source = Source();
        await source.ListAsync(null, new PageRequest(2, null), Ct);
        _graph.RateLimit(2);

        VersionPage versions = await source.ListVersionsAsync("sharepoint:b!policies/01TRAVEL", new PageRequest(5, null), Ct);

        Assert.Equal(3, versions.Versions.Count);
        Assert.Equal(3, _graph.Requests.Count(r => r.Path == "/v1.0/drives/b!policies/items/01TRAVEL/versions"));
    }

    [Fact]
    public async Task RateLimited_WhenRetriesAreExhausted_SaysWhenToTryAgain()
    {
        IDocumentSource source = Source(new() { ["SharePoint:Http:MaxRetries"] = "1" });
        await source.ListAsync(null, new PageRequest(2, null), Ct);
        _graph.RetryAfterSeconds = 0;
        _graph.RateLimit(100);

        BackendException error = await Assert.ThrowsAsync<BackendException>(() => source.SearchAsync(new DocumentQuery { Words = "x" }, new PageRequest(2, null), Ct));

        Assert.Equal(BackendErrorKind.RateLimited, error.Kind);
        Assert.Equal("Microsoft Graph is rate-limiting requests; try again in 1 s (the server already retried as Graph asked).", error.SafeMessage);
        Assert.Equal(2, _graph.Requests.Count(r => r.Path == "/v1.0/search/query"));
    }

    [Fact]
    public async Task Check_SaysWhatIsVisible()
    {
        IDocumentSource source = Source(new() { ["SharePoint:Sites"] = FakeGraph.SiteReference + ",contoso.sharepoint.com:/sites/Gone" });

        SourceCheck check = await source.CheckAsync(Ct);

        Assert.True(check.Ok);
        Assert.Equal("visible: 1 of 2 sites, 2 drives; not visible: contoso.sharepoint.com:/sites/Gone", check.Detail);
    }
}

/// <summary>The services a server registers for SharePoint, from settings.</summary>
internal static class SharePointServices
{
    public static ServiceProvider Build(IReadOnlyDictionary<string, string?> settings, DocumentsOptions? limits = null)
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SecretRedactor());
        services.AddSingleton(DocumentsServer.Identity);
        if (limits is not null)
        {
            services.AddSingleton(limits);
        }

        services.AddSharePoint(configuration);
        return services.BuildServiceProvider();
    }
}
