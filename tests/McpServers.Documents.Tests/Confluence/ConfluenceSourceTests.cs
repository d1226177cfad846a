using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Confluence;
using McpServers.Shared.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Documents.Tests.Confluence;

public sealed class ConfluenceSourceTests
{
    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Search_SendsAllowlistedCqlAndMapsHits(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        SearchPage page = await h.Source.SearchAsync(new DocumentQuery { Words = "per-diem" }, new PageRequest(10, null), ConfluenceHarness.Ct);

        Assert.Equal(["type = page AND space IN (\"ENG\",\"HR\") AND text ~ \"per-diem\""], h.SentCql);
        Assert.Equal(["confluence:100", "confluence:102"], page.Hits.Select(x => x.Id));
        DocumentHit travel = page.Hits[0];
        Assert.Equal("Travel policy", travel.Title);
        Assert.Equal("Engineering (ENG)", travel.Location);
        Assert.Equal("3", travel.Version);
        Assert.Equal(new DateTimeOffset(2026, 3, 15, 9, 0, 0, TimeSpan.Zero), travel.Modified);
        Assert.Equal(flavor == ConfluenceFlavor.Cloud
            ? h.Fake.BaseUrl + "wiki/spaces/ENG/pages/100"
            : h.Fake.BaseUrl + "pages/viewpage.action?pageId=100", travel.Url);
        if (flavor == ConfluenceFlavor.Cloud)
        {
            Assert.Equal("per-diem in Travel policy", travel.Snippet);
            Assert.Contains(h.Calls, c => c.StartsWith("GET /wiki/rest/api/search?cql=", StringComparison.Ordinal) && c.Contains("&limit=10&expand=content.space,content.version", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(h.Calls, c => c.StartsWith("GET /rest/api/content/search?cql=", StringComparison.Ordinal) && c.Contains("&limit=10&start=0&expand=space,version", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Search_DropsHitsOutsideTheAllowlistEvenWhenConfluenceReturnsThem(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);
        h.Fake.LeakSecretHit = true;

        SearchPage page = await h.Source.SearchAsync(new DocumentQuery { Words = "per-diem" }, new PageRequest(10, null), ConfluenceHarness.Ct);

        Assert.DoesNotContain(page.Hits, x => x.Id == "confluence:200");
        Assert.NotEmpty(page.Hits);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Search_PagesWithAnOpaqueCursor(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);
        h.Fake.SearchPageSize = 1;

        SearchPage first = await h.Source.SearchAsync(new DocumentQuery { Words = "per-diem" }, new PageRequest(1, null), ConfluenceHarness.Ct);
        SearchPage second = await h.Source.SearchAsync(new DocumentQuery { Words = "per-diem" }, new PageRequest(1, first.NextCursor), ConfluenceHarness.Ct);

        Assert.Equal(["confluence:100"], first.Hits.Select(x => x.Id));
        Assert.NotNull(first.NextCursor);
        Assert.DoesNotContain("c1", first.NextCursor, StringComparison.Ordinal);
        Assert.Equal(["confluence:102"], second.Hits.Select(x => x.Id));
        Assert.Null(second.NextCursor);
        string last = h.Calls[^1];
        Assert.Contains(flavor == ConfluenceFlavor.Cloud ? "&cursor=c1" : "&start=1", last, StringComparison.Ordinal);
        // The second request carries the same allowlisted CQL, rebuilt by the server, not Confluence's next link.
        Assert.All(h.SentCql, cql => Assert.Equal("type = page AND space IN (\"ENG\",\"HR\") AND text ~ \"per-diem\"", cql));
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Search_RefusesACursorOfAnotherQuery(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);
        h.Fake.SearchPageSize = 1;
        SearchPage first = await h.Source.SearchAsync(new DocumentQuery { Words = "per-diem" }, new PageRequest(1, null), ConfluenceHarness.Ct);

        await Assert.ThrowsAsync<ToolInputException>(() =>
            h.Source.SearchAsync(new DocumentQuery { Words = "other" }, new PageRequest(1, first.NextCursor), ConfluenceHarness.Ct));
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Search_InASpaceOrBelowAPage(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        SearchPage inHr = await h.Source.SearchAsync(new DocumentQuery { Words = "benefits", Container = "confluence:space:HR" }, new PageRequest(10, null), ConfluenceHarness.Ct);
        SearchPage below = await h.Source.SearchAsync(new DocumentQuery { Words = "benefits", Container = "confluence:102" }, new PageRequest(10, null), ConfluenceHarness.Ct);

        Assert.Equal(["confluence:103"], inHr.Hits.Select(x => x.Id));
        Assert.Equal(["confluence:103"], below.Hits.Select(x => x.Id));
        Assert.Equal(
        [
            "type = page AND space IN (\"ENG\",\"HR\") AND space = \"HR\" AND text ~ \"benefits\"",
            "type = page AND space IN (\"ENG\",\"HR\") AND ancestor = \"102\" AND text ~ \"benefits\"",
        ], h.SentCql);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Search_AContainerOutsideTheAllowlistIsNotFound(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        var space = await Assert.ThrowsAsync<BackendException>(() =>
            h.Source.SearchAsync(new DocumentQuery { Words = "codes", Container = "confluence:space:SECRET" }, new PageRequest(10, null), ConfluenceHarness.Ct));
        var page = await Assert.ThrowsAsync<BackendException>(() =>
            h.Source.SearchAsync(new DocumentQuery { Words = "codes", Container = "confluence:200" }, new PageRequest(10, null), ConfluenceHarness.Ct));

        Assert.Equal(BackendErrorKind.NotFound, space.Kind);
        Assert.Equal(BackendErrorKind.NotFound, page.Kind);
        Assert.Contains("not visible to you", page.SafeMessage, StringComparison.Ordinal);
        Assert.Empty(h.SentCql);
    }

    [Theory]
    [InlineData("confluence:space:ENG\" OR space = \"SECRET")]
    [InlineData("confluence:1 OR 1=1")]
    [InlineData("local:/etc")]
    public async Task Search_RefusesAMalformedContainer(string container)
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);

        await Assert.ThrowsAsync<ToolInputException>(() =>
            h.Source.SearchAsync(new DocumentQuery { Words = "x", Container = container }, new PageRequest(10, null), ConfluenceHarness.Ct));
        Assert.Empty(h.SentCql);
    }

    [Fact]
    public async Task Search_OtherTypesThanPageAnswerNothingWithoutAsking()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);

        SearchPage page = await h.Source.SearchAsync(new DocumentQuery { Words = "x", Types = ["pdf"] }, new PageRequest(10, null), ConfluenceHarness.Ct);

        Assert.Empty(page.Hits);
        Assert.NotNull(page.Notice);
        Assert.Empty(h.Fake.Requests);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Search_ModifiedRangeReachesConfluence(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        SearchPage page = await h.Source.SearchAsync(new DocumentQuery
        {
            Words = "per-diem",
            ModifiedFrom = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
        }, new PageRequest(10, null), ConfluenceHarness.Ct);

        Assert.Equal(["confluence:100"], page.Hits.Select(x => x.Id));
        Assert.EndsWith("AND lastmodified >= \"2026-03-01\"", h.SentCql.Single(), StringComparison.Ordinal);
    }

    public static TheoryData<ConfluenceFlavor, string?, string, string, string> Versions => new()
    {
        { ConfluenceFlavor.Cloud, null, "3", "# Travel\n\nPer-diem is **60 EUR**.", "GET /wiki/api/v2/pages/100?body-format=storage" },
        { ConfluenceFlavor.Cloud, "1", "1", "Per-diem is 40 EUR.", "GET /wiki/api/v2/pages/100?body-format=storage&version=1" },
        { ConfluenceFlavor.DataCenter, null, "3", "# Travel\n\nPer-diem is **60 EUR**.", "GET /rest/api/content/100?expand=body.storage,version,space" },
        { ConfluenceFlavor.DataCenter, "1", "1", "Per-diem is 40 EUR.", "GET /rest/api/content/100?expand=body.storage,version,space&status=historical&version=1" },
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Get_ReadsTheCurrentOrAGivenVersionAsMarkdown(ConfluenceFlavor flavor, string? version, string expectedVersion, string markdown, string call)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        DocumentText text = await h.Source.GetAsync("confluence:100", version, ConfluenceHarness.Ct);

        Assert.Equal(markdown, text.Markdown);
        Assert.Equal(expectedVersion, text.Version);
        Assert.Equal("Travel policy", text.Title);
        Assert.Equal("Engineering (ENG)", text.Location);
        Assert.False(text.Truncated);
        Assert.Contains(call, h.Calls);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Get_RendersTheRichPage(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        DocumentText text = await h.Source.GetAsync("confluence:101", null, ConfluenceHarness.Ct);

        Assert.Equal("## Passwords\n\nUse a [vault](https://example.com/vault) always.\n\n| Level | Rule |\n| --- | --- |\n| High | MFA |\n\n"
            + "```bash\necho <secret>\n```\n\n> **Info:** Rotate yearly.\n\n[image: diagram.png]\n\n[macro: toc]", text.Markdown);
    }

    [Fact]
    public async Task Get_CloudPageWithoutStorageIsReadInAdf()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);

        DocumentText text = await h.Source.GetAsync("confluence:104", null, ConfluenceHarness.Ct);

        Assert.Equal("## Live\n\n**Written in ADF**", text.Markdown);
        Assert.Equal("confluence-adf", text.Format);
        Assert.Contains("GET /wiki/api/v2/pages/104?body-format=atlas_doc_format", h.Calls);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Get_APageOutsideTheAllowlistIsNotFound(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        var e = await Assert.ThrowsAsync<BackendException>(() => h.Source.GetAsync("confluence:200", null, ConfluenceHarness.Ct));

        Assert.Equal(BackendErrorKind.NotFound, e.Kind);
        Assert.Equal("Page confluence:200 was not found or is not visible to you.", e.SafeMessage);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Get_AMissingPageOrVersionIsNotFound(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        var missing = await Assert.ThrowsAsync<BackendException>(() => h.Source.GetAsync("confluence:999", null, ConfluenceHarness.Ct));
        var version = await Assert.ThrowsAsync<BackendException>(() => h.Source.GetAsync("confluence:100", "9", ConfluenceHarness.Ct));

        Assert.Equal(BackendErrorKind.NotFound, missing.Kind);
        Assert.Equal(BackendErrorKind.NotFound, version.Kind);
        Assert.Contains("not visible to you", version.SafeMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("100")]
    [InlineData("confluence:abc")]
    [InlineData("confluence:100/../200")]
    [InlineData("confluence:space:ENG")]
    [InlineData("sharepoint:100")]
    public async Task Get_RefusesAMalformedId(string id)
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);

        await Assert.ThrowsAsync<ToolInputException>(() => h.Source.GetAsync(id, null, ConfluenceHarness.Ct));
        Assert.Empty(h.Fake.Requests);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("v2")]
    public async Task Get_RefusesAMalformedVersion(string version)
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);

        await Assert.ThrowsAsync<ToolInputException>(() => h.Source.GetAsync("confluence:100", version, ConfluenceHarness.Ct));
    }

    [Fact]
    public async Task Get_CutsAtTheAdministratorsCap()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);
        var source = new ConfluenceSource(h.Services.GetRequiredService<ConfluenceClient>(), h.Services.GetRequiredService<ConfluenceOptions>(),
            new Options.DocumentsOptions { MaxDocumentChars = 10 });

        DocumentText text = await source.GetAsync("confluence:100", null, ConfluenceHarness.Ct);

        Assert.True(text.Truncated);
        Assert.True(text.Markdown.Length <= 10);
        Assert.Contains("Documents:MaxDocumentChars", text.TruncationReason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task ListVersions_NewestFirstWithAuthorAndMessage(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        VersionPage versions = await h.Source.ListVersionsAsync("confluence:100", new PageRequest(10, null), ConfluenceHarness.Ct);

        Assert.Equal(["3", "2", "1"], versions.Versions.Select(v => v.Version));
        Assert.Equal(["March update", "raised per-diem", "first draft"], versions.Versions.Select(v => v.Message));
        Assert.Equal(flavor == ConfluenceFlavor.Cloud ? "acc-carol" : "Carol Chief", versions.Versions[0].Author);
        Assert.Equal(new DateTimeOffset(2026, 3, 15, 9, 0, 0, TimeSpan.Zero), versions.Versions[0].Modified);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task ListVersions_Pages(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        VersionPage first = await h.Source.ListVersionsAsync("confluence:100", new PageRequest(2, null), ConfluenceHarness.Ct);
        VersionPage second = await h.Source.ListVersionsAsync("confluence:100", new PageRequest(2, first.NextCursor), ConfluenceHarness.Ct);

        Assert.Equal(["3", "2"], first.Versions.Select(v => v.Version));
        Assert.Equal(["1"], second.Versions.Select(v => v.Version));
        Assert.Null(second.NextCursor);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task ListVersions_OfAPageOutsideTheAllowlistIsNotFoundAndNotAsked(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        await Assert.ThrowsAsync<BackendException>(() => h.Source.ListVersionsAsync("confluence:200", new PageRequest(10, null), ConfluenceHarness.Ct));

        Assert.DoesNotContain(h.Calls, c => c.Contains("/version", StringComparison.Ordinal) && c.Contains("200", StringComparison.Ordinal)
            && !c.Contains("expand", StringComparison.Ordinal) && !c.Contains("body-format", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task List_SpacesPagesAndChildren(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        ListingPage top = await h.Source.ListAsync(null, new PageRequest(10, null), ConfluenceHarness.Ct);
        ListingPage hr = await h.Source.ListAsync("confluence:space:HR", new PageRequest(10, null), ConfluenceHarness.Ct);
        ListingPage children = await h.Source.ListAsync("confluence:102", new PageRequest(10, null), ConfluenceHarness.Ct);

        Assert.Equal(["confluence:space:ENG", "confluence:space:HR"], top.Entries.Select(e => e.Id));
        Assert.Equal(["Engineering", "Human Resources"], top.Entries.Select(e => e.Name));
        Assert.All(top.Entries, e => Assert.Equal("space", e.Kind));
        Assert.Equal(["confluence:102"], hr.Entries.Select(e => e.Id));
        Assert.Equal(["confluence:103"], children.Entries.Select(e => e.Id));
        Assert.Equal("Benefits", children.Entries[0].Name);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task List_OutsideTheAllowlistIsNotFound(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        await Assert.ThrowsAsync<BackendException>(() => h.Source.ListAsync("confluence:space:SECRET", new PageRequest(10, null), ConfluenceHarness.Ct));
        await Assert.ThrowsAsync<BackendException>(() => h.Source.ListAsync("confluence:200", new PageRequest(10, null), ConfluenceHarness.Ct));
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Check_ReportsTheVisibleSpaces(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor, s => s["Confluence:Spaces"] = "ENG,HR,GONE");

        SourceCheck check = await h.Source.CheckAsync(ConfluenceHarness.Ct);

        Assert.True(check.Ok);
        Assert.Contains("visible spaces: ENG, HR", check.Detail, StringComparison.Ordinal);
        Assert.Contains("GONE", check.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Credentials_AreSentAsTheFlavourExpects(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        await h.Source.GetAsync("confluence:100", null, ConfluenceHarness.Ct);

        Assert.All(h.Fake.Requests, r => Assert.StartsWith(flavor == ConfluenceFlavor.Cloud ? "Basic " : "Bearer ", r.Header("Authorization"), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Unauthorized_NamesTheCredentialSettingsWithoutTheSecret(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor, s =>
        {
            s["Confluence:ApiToken"] = s["Confluence:ApiToken"] is null ? null : "bogus-secret-value";
            s["Confluence:PersonalAccessToken"] = s["Confluence:PersonalAccessToken"] is null ? null : "bogus-secret-value";
        });

        var e = await Assert.ThrowsAsync<BackendException>(() => h.Source.GetAsync("confluence:100", null, ConfluenceHarness.Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, e.Kind);
        Assert.Contains(flavor == ConfluenceFlavor.Cloud ? "CONFLUENCE_API_TOKEN" : "CONFLUENCE_PAT", e.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("bogus", e.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimited_RetryAfterIsHonouredByTheSharedClient()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);
        await h.Source.ListAsync(null, new PageRequest(10, null), ConfluenceHarness.Ct); // spaces resolved
        h.Fake.NextFailure = new RetryAfterResult("0");

        DocumentText text = await h.Source.GetAsync("confluence:100", null, ConfluenceHarness.Ct);

        Assert.Equal("3", text.Version);
        Assert.Equal(2, h.Calls.Count(c => c == "GET /wiki/api/v2/pages/100?body-format=storage"));
    }

    [Fact]
    public async Task RateLimited_ALongWaitIsReportedWithItsDelay()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);
        h.Fake.NextFailure = new RetryAfterResult("3600");

        var e = await Assert.ThrowsAsync<BackendException>(() => h.Source.GetAsync("confluence:100", null, ConfluenceHarness.Ct));

        Assert.Equal(BackendErrorKind.RateLimited, e.Kind);
        Assert.Equal(TimeSpan.FromHours(1), e.RetryAfter);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task BadRequest_BecomesAnInputErrorWithConfluencesCleanedMessage(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);
        h.Fake.NextFailure = flavor == ConfluenceFlavor.Cloud
            ? Results.Content("{\"errors\":[{\"status\":400,\"code\":\"INVALID_REQUEST_PARAMETER\",\"title\":\"Bad\u202Eparam\",\"detail\":\"limit too high\"}]}", "application/json", statusCode: 400)
            : Results.Content("{\"statusCode\":400,\"message\":\"Could not parse\\u0007 cql\",\"data\":{\"valid\":false}}", "application/json", statusCode: 400);

        var e = await Assert.ThrowsAsync<ToolInputException>(() => h.Source.GetAsync("confluence:100", null, ConfluenceHarness.Ct));

        Assert.Equal(flavor == ConfluenceFlavor.Cloud
            ? "Confluence rejected the request: Badparam: limit too high."
            : "Confluence rejected the request: Could not parse cql.", e.Message);
    }

    [Fact]
    public async Task Forbidden_ReadsAsNotFound()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.DataCenter);
        h.Fake.NextFailure = Results.Content("{\"statusCode\":403,\"message\":\"forbidden\"}", "application/json", statusCode: 403);

        var e = await Assert.ThrowsAsync<BackendException>(() => h.Source.GetAsync("confluence:100", null, ConfluenceHarness.Ct));

        Assert.Equal(BackendErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task Auto_DetectsDataCenterWhenRestV2IsMissing()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.DataCenter, s => s["Confluence:Flavor"] = "Auto");

        DocumentText text = await h.Source.GetAsync("confluence:100", null, ConfluenceHarness.Ct);

        Assert.Equal("3", text.Version);
        Assert.Equal("GET /wiki/api/v2/spaces?limit=1", h.Calls[0]);
    }

    [Fact]
    public async Task Auto_DetectsCloudWhenRestV2Answers()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud, s => s["Confluence:Flavor"] = "Auto");

        DocumentText text = await h.Source.GetAsync("confluence:100", null, ConfluenceHarness.Ct);

        Assert.Equal("3", text.Version);
        Assert.Contains("GET /wiki/api/v2/pages/100?body-format=storage", h.Calls);
    }

    private sealed class RetryAfterResult(string seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = 429;
            httpContext.Response.Headers.RetryAfter = seconds;
            return Task.CompletedTask;
        }
    }
}
