using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Crm.Backend;
using McpServers.Crm.Tests.Fakes;
using McpServers.Shared.Errors;

namespace McpServers.Crm.Tests.HubSpot;

/// <summary>Rankings, writes, logged activities, API usage and HubSpot's errors, against the fake.</summary>
public sealed class HubSpotGatewayTests : IAsyncLifetime
{
    private static readonly DateRange Q4 = new(new DateOnly(2026, 10, 1), new DateOnly(2027, 1, 1));

    private FakeHubSpot _fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _fake = await FakeHubSpot.Start(Ct);

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private static Dictionary<string, JsonElement> Fields(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public async Task TopAccounts_SumsWonDealsOfThePeriodPerCompany_WithKnownTotals()
    {
        using var hs = new HubSpotServices(_fake);

        AccountRanking ranking = await hs.Gateway.TopAccountsAsync(new RankingRequest(RankBy.Won, Q4, null, 10), Ct);

        Assert.Equal(
            [new RankedAccount(1, "102", "Globex", new Money(75_000m, "EUR"), 2), new RankedAccount(2, "101", "Acme Corp", new Money(50_000m, "EUR"), 1),
             new RankedAccount(3, "103", "Initech", new Money(10_000m, "EUR"), 1)],
            ranking.Accounts);
        Assert.Equal(4, ranking.Scanned);
        Assert.False(ranking.CapReached);
        Assert.Null(ranking.CapNotice);
        JsonObject body = _fake.Searches("deals").Single();
        Assert.Equal(
            """[{"filters":[{"propertyName":"dealstage","operator":"IN","values":["closedwon"]},{"propertyName":"closedate","operator":"GTE","value":"1790812800000"},{"propertyName":"closedate","operator":"LT","value":"1798761600000"}]}]""",
            body["filterGroups"]!.ToJsonString());
        Assert.Equal(200, body["limit"]!.GetValue<int>());
        // Company names in one batch read.
        Assert.Single(_fake.Requests, r => r.Path == "/crm/v3/objects/companies/batch/read");
    }

    [Fact]
    public async Task TopAccounts_Pipeline_RanksOpenDeals_AndOwnerMeIsTheConfiguredOwner()
    {
        using var hs = new HubSpotServices(_fake);

        AccountRanking ranking = await hs.Gateway.TopAccountsAsync(new RankingRequest(RankBy.Pipeline, Q4, "me", 10), Ct);

        Assert.Equal([new RankedAccount(1, "101", "Acme Corp", new Money(20_000m, "EUR"), 1)], ranking.Accounts);
        JsonNode filters = _fake.Searches("deals").Single()["filterGroups"]![0]!["filters"]!;
        Assert.Equal("""{"propertyName":"dealstage","operator":"IN","values":["appointmentscheduled","qualifiedtobuy","contractsent"]}""", filters[0]!.ToJsonString());
        Assert.Equal("""{"propertyName":"hubspot_owner_id","operator":"EQ","value":"7001"}""", filters[3]!.ToJsonString());
    }

    [Fact]
    public async Task TopAccounts_StopsAtTheScanCap_AndSaysTheTotalsMayBeLow()
    {
        _fake.AddWonDeals(5);
        using var hs = new HubSpotServices(_fake, new Dictionary<string, string?> { ["Crm:MaxRankingScan"] = "6" });

        AccountRanking ranking = await hs.Gateway.TopAccountsAsync(new RankingRequest(RankBy.Won, Q4, null, 10), Ct);

        Assert.Equal(6, ranking.Scanned);
        Assert.True(ranking.CapReached);
        Assert.Contains("the totals may be low", ranking.CapNotice, StringComparison.Ordinal);
        Assert.Contains("Crm:MaxRankingScan", ranking.CapNotice, StringComparison.Ordinal);
        Assert.Equal(6, _fake.Searches("deals").Single()["limit"]!.GetValue<int>());
    }

    [Fact]
    public async Task TopAccounts_PagesThroughAllDeals_UnderTheCap()
    {
        _fake.AddWonDeals(250, amount: 1000);
        using var hs = new HubSpotServices(_fake);

        AccountRanking ranking = await hs.Gateway.TopAccountsAsync(new RankingRequest(RankBy.Won, Q4, null, 1), Ct);

        Assert.Equal(new RankedAccount(1, "104", "Umbrella Health", new Money(250_000m, "EUR"), 250), Assert.Single(ranking.Accounts));
        Assert.Equal(254, ranking.Scanned);
        Assert.False(ranking.CapReached);
        Assert.Equal(["200"], _fake.Searches("deals").Skip(1).Select(s => s["after"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CheckWrite_ConvertsValuesByType_AndMapsPicklistLabelsToValues()
    {
        using var hs = new HubSpotServices(_fake);

        IReadOnlyList<FieldValue> values = await hs.Gateway.CheckWriteAsync(CrmObjectKind.Opportunity,
            Fields("""{"dealstage":"Closed Won","amount":1200.50,"closedate":"2026-12-31","hs_next_step":"Send the contract"}"""), Ct);

        Assert.Equal(
            [new FieldValue("dealstage", "Deal Stage", "closedwon"), new FieldValue("amount", "Amount", "1200.50"),
             new FieldValue("closedate", "Close Date", "2026-12-31T00:00:00Z"), new FieldValue("hs_next_step", "Next step", "Send the contract")],
            values);
    }

    [Theory]
    [InlineData("""{"dealname":"x"}""", "`fields`: 'dealname' cannot be written on deals; writable: dealstage, closedate, amount, hs_next_step.")]
    [InlineData("""{"dealstage":"Won big"}""", "`fields.dealstage`: 'Won big' is not a value of dealstage; valid values: appointmentscheduled, qualifiedtobuy, contractsent, closedwon, closedlost.")]
    [InlineData("""{"amount":"lots"}""", "`fields.amount` must be a number, e.g. 12500.50.")]
    [InlineData("""{"closedate":"next week"}""", "`fields.closedate` must be a date-time like 2026-12-31T15:00:00Z.")]
    [InlineData("""{"hs_next_step":{"a":1}}""", "`fields.hs_next_step` must be a string, number, boolean or null.")]
    [InlineData("{}", "`fields` must name at least one property; writable: dealstage, closedate, amount, hs_next_step.")]
    public async Task CheckWrite_RefusesWhatCannotBeWritten_WithWhatCan(string json, string message)
    {
        using var hs = new HubSpotServices(_fake);

        var e = await Assert.ThrowsAsync<ToolInputException>(() => hs.Gateway.CheckWriteAsync(CrmObjectKind.Opportunity, Fields(json), Ct));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task CheckWrite_CompaniesAreReadOnlyUnlessAllowlisted()
    {
        using var hs = new HubSpotServices(_fake);

        var e = await Assert.ThrowsAsync<ToolInputException>(() => hs.Gateway.CheckWriteAsync(CrmObjectKind.Account, Fields("""{"name":"x"}"""), Ct));

        Assert.Equal("No companies property may be written on this server (HubSpot:CompanyWriteProperties is empty).", e.Message);
    }

    [Fact]
    public async Task UpdateRecord_PatchesOnlyTheCheckedProperties()
    {
        using var hs = new HubSpotServices(_fake);

        RecordWritten written = await hs.Gateway.UpdateRecordAsync(CrmObjectKind.Opportunity, "302",
            Fields("""{"dealstage":"closedwon","hs_next_step":"Invoice"}"""), Ct);

        Assert.Equal(new RecordWritten("deals", "302", "https://app-eu1.hubspot.com/contacts/4242/record/0-3/302"), written);
        Testing.Http.RecordedRequest patch = Assert.Single(_fake.Requests, r => r.Method == "PATCH");
        Assert.Equal("/crm/v3/objects/deals/302", patch.Path);
        Assert.Equal("""{"properties":{"dealstage":"closedwon","hs_next_step":"Invoice"}}""", patch.Body);
        Assert.Equal("closedwon", _fake.Find("deals", "302")!.Properties["dealstage"]);
    }

    [Fact]
    public async Task CreateRecord_PostsTheContact_AndAccepts201()
    {
        using var hs = new HubSpotServices(_fake);

        RecordWritten written = await hs.Gateway.CreateRecordAsync(CrmObjectKind.Contact,
            Fields("""{"firstname":"Ada","lastname":"Lovelace","email":"ada@example.com"}"""), Ct);

        Testing.Http.RecordedRequest post = Assert.Single(_fake.Requests, r => r.Method == "POST" && r.Path == "/crm/v3/objects/contacts");
        Assert.Equal("""{"properties":{"firstname":"Ada","lastname":"Lovelace","email":"ada@example.com"}}""", post.Body);
        Assert.Equal("contacts", written.ObjectName);
        Assert.Equal("Ada", _fake.Find("contacts", written.Id)!.Properties["firstname"]);
    }

    [Fact]
    public async Task LogActivity_CreatesACallOwnedByMe_AssociatedByTheDefaultTypeHubSpotNames()
    {
        using var hs = new HubSpotServices(_fake);
        var when = new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.FromHours(1));

        RecordWritten written = await hs.Gateway.LogActivityAsync(new NewActivity(ActivityKind.Call, "101", "Renewal call", "Discussed renewal", when, 15), Ct);

        Testing.Http.RecordedRequest post = Assert.Single(_fake.Requests, r => r.Method == "POST" && r.Path == "/crm/v3/objects/calls");
        Assert.Equal(
            """{"properties":{"hs_timestamp":"2026-11-30T14:00:00Z","hubspot_owner_id":"7001","hs_call_title":"Renewal call","hs_call_status":"COMPLETED","hs_call_body":"Discussed renewal","hs_call_duration":"900000"},"associations":[{"to":{"id":"101"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":182}]}]}""",
            post.Body);
        Assert.Contains(_fake.Requests, r => r.Path == "/crm/v4/associations/calls/companies/labels");
        Assert.Equal("calls", written.ObjectName);
        Assert.Equal("https://app-eu1.hubspot.com/contacts/4242/record/0-2/101", written.Url);
        Assert.Equal(["101"], _fake.Find("calls", written.Id)!.Associations["companies"]);
    }

    [Fact]
    public async Task LogActivity_AQualifiedIdNeedsNoLookup_AndANoteGetsTheNoteToDealType()
    {
        using var hs = new HubSpotServices(_fake);

        RecordWritten written = await hs.Gateway.LogActivityAsync(new NewActivity(ActivityKind.Note, "deal:301", "Follow-up", null, null, null), Ct);

        Assert.Equal([214], _fake.Find("notes", written.Id)!.AssociationTypeIds);
        Assert.Equal("Follow-up", _fake.Find("notes", written.Id)!.Properties["hs_note_body"]);
        Assert.DoesNotContain(_fake.Requests, r => r.Method == "GET" && r.Path.StartsWith("/crm/v3/objects/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogActivity_AnIdNoRecordHas_IsNotFound_AndAnEmailIsRefused()
    {
        using var hs = new HubSpotServices(_fake);

        var missing = await Assert.ThrowsAsync<BackendException>(() =>
            hs.Gateway.LogActivityAsync(new NewActivity(ActivityKind.Task, "999", "x", null, null, null), Ct));
        var email = await Assert.ThrowsAsync<ToolInputException>(() =>
            hs.Gateway.LogActivityAsync(new NewActivity(ActivityKind.Email, "101", "x", null, null, null), Ct));

        Assert.Equal("Record 999 was not found or is not visible to you.", missing.SafeMessage);
        Assert.Contains("log a call, meeting, note or task", email.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_fake.Requests, r => r.Method == "POST" && r.Path is "/crm/v3/objects/tasks" or "/crm/v3/objects/emails");
    }

    [Fact]
    public async Task OwnerMe_WithAPrivateAppTokenAndNoOwnerId_IsAnInputErrorNamingTheSetting()
    {
        using var hs = new HubSpotServices(_fake, new Dictionary<string, string?> { ["HubSpot:OwnerId"] = null });

        var e = await Assert.ThrowsAsync<ToolInputException>(() =>
            hs.Gateway.SearchAccountsAsync(new AccountFilter { Owner = "me" }, new PageRequest(10, null), Ct));
        var bad = await Assert.ThrowsAsync<ToolInputException>(() =>
            hs.Gateway.SearchAccountsAsync(new AccountFilter { Owner = "jane" }, new PageRequest(10, null), Ct));

        Assert.Contains("HubSpot:OwnerId", e.Message, StringComparison.Ordinal);
        Assert.Equal("`owner` must be \"me\" or a numeric HubSpot owner id.", bad.Message);
    }

    [Fact]
    public async Task Usage_IsReadFromTheDailyHeaders_AndPastTheHardShareSearchesAndWritesAreRefused_ButSingleReadsWork()
    {
        _fake.Daily = (1000, 30);
        using var hs = new HubSpotServices(_fake);
        Assert.Null(hs.Gateway.Usage);

        await hs.Gateway.DescribeObjectAsync(CrmObjectKind.Account, Ct);

        Assert.Equal(new ApiUsage(970, 1000), hs.Gateway.Usage);
        var search = await Assert.ThrowsAsync<BackendException>(() =>
            hs.Gateway.SearchAccountsAsync(new AccountFilter(), new PageRequest(10, null), Ct));
        var write = await Assert.ThrowsAsync<BackendException>(() =>
            hs.Gateway.CheckWriteAsync(CrmObjectKind.Contact, Fields("""{"firstname":"x"}"""), Ct));
        var ranking = await Assert.ThrowsAsync<BackendException>(() =>
            hs.Gateway.TopAccountsAsync(new RankingRequest(RankBy.Won, Q4, null, 5), Ct));
        Assert.All(new[] { search, write, ranking }, e => Assert.Equal(BackendErrorKind.RateLimited, e.Kind));
        Assert.Contains("970 of 1000", search.SafeMessage, StringComparison.Ordinal);
        Assert.Empty(_fake.Searches("companies"));
        Assert.Equal("Acme Corp", (await hs.Gateway.GetAccountAsync("101", new AccountDetailRequest([], 0, 0, 0), Ct)).Account.Name);
    }

    [Theory]
    [InlineData("TEN_SECONDLY_ROLLING", null, "HubSpot is rate-limiting requests; try again in 10 s.", 10)]
    [InlineData("SECONDLY", 7, "HubSpot is rate-limiting requests; try again in 7 s.", 7)]
    [InlineData("DAILY", null, "HubSpot's daily API limit is used up; try again after midnight in the HubSpot account's time zone.", null)]
    public async Task RateLimited_SaysWhenToRetry_ByPolicyOrRetryAfter(string policy, int? retryAfter, string message, int? seconds)
    {
        using var hs = new HubSpotServices(_fake);
        _fake.RateLimitNext(policy, retryAfter);

        var e = await Assert.ThrowsAsync<BackendException>(() => hs.Gateway.DescribeObjectAsync(CrmObjectKind.Contact, Ct));

        Assert.Equal(BackendErrorKind.RateLimited, e.Kind);
        Assert.Equal(message, e.SafeMessage);
        Assert.Equal(seconds, e.RetryAfter is { } wait ? (int)wait.TotalSeconds : null);
    }

    [Fact]
    public async Task Unauthorized_NamesTheTokenSetting_NeverTheToken()
    {
        _fake.AcceptedToken = "another-token";
        using var hs = new HubSpotServices(_fake);

        var e = await Assert.ThrowsAsync<BackendException>(() => hs.Gateway.DescribeObjectAsync(CrmObjectKind.Contact, Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, e.Kind);
        Assert.Contains("HUBSPOT_ACCESS_TOKEN (HubSpot:AccessToken)", e.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeHubSpot.Token, e.SafeMessage + e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingScopes_NamesTheScopesToGrant()
    {
        using var hs = new HubSpotServices(_fake);
        _fake.ErrorNext(403, "MISSING_SCOPES", "This app hasn't been granted all required scopes", ["crm.objects.deals.read", "bad scope\u202E"]);

        var e = await Assert.ThrowsAsync<BackendException>(() => hs.Gateway.DescribeObjectAsync(CrmObjectKind.Opportunity, Ct));

        Assert.Equal(BackendErrorKind.Forbidden, e.Kind);
        Assert.Equal("HubSpot refused: the access lacks the scopes crm.objects.deals.read. An administrator must grant them (in the private app's settings).", e.SafeMessage);
    }

    [Fact]
    public async Task ValidationError_IsAnInputError_WithHubSpotsMessageCleaned()
    {
        using var hs = new HubSpotServices(_fake);
        await hs.Gateway.DescribeObjectAsync(CrmObjectKind.Opportunity, Ct);
        _fake.ErrorNext(400, "VALIDATION_ERROR", "Property values were not valid:\u001b[31m amount\nmust be positive\u202E");

        var e = await Assert.ThrowsAsync<ToolInputException>(() =>
            hs.Gateway.UpdateRecordAsync(CrmObjectKind.Opportunity, "302", Fields("""{"amount":-5}"""), Ct));

        Assert.Equal("HubSpot rejected the request: Property values were not valid:[31m amount must be positive.", e.Message);
    }

    [Fact]
    public async Task UpdateRecord_OfARecordHubSpotDoesNotShow_IsNotFoundOrNotVisible()
    {
        using var hs = new HubSpotServices(_fake);

        var e = await Assert.ThrowsAsync<BackendException>(() =>
            hs.Gateway.UpdateRecordAsync(CrmObjectKind.Opportunity, "999", Fields("""{"amount":5}"""), Ct));

        Assert.Equal(BackendErrorKind.NotFound, e.Kind);
        Assert.Equal("Deal 999 was not found or is not visible to you.", e.SafeMessage);
    }

    [Fact]
    public async Task Check_ReachesTheAccount_AndNamesThePortal()
    {
        using var hs = new HubSpotServices(_fake);

        CrmCheck check = await hs.Gateway.CheckAsync(Ct);

        Assert.Equal(new CrmCheck("HubSpot", "portal 4242 (app-eu1.hubspot.com)", "private app (owner 7001)", "/crm/v3/objects"), check);
        Assert.Equal("127.0.0.1", hs.Audit.Downstream);
        Assert.Null(await hs.Gateway.FiscalYearStartMonthAsync(Ct));
    }
}
