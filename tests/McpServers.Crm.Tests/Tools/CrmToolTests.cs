using System.Text.Json;
using McpServers.Crm.Backend;
using McpServers.Shared.Errors;
using ModelContextProtocol.Protocol;
using static McpServers.Crm.Tests.Tools.CrmToolHost;

namespace McpServers.Crm.Tests.Tools;

/// <summary>The tools over the shared pipeline with an in-memory gateway: periods, paging and caps, texts, input errors, usage warnings.</summary>
public sealed class CrmToolTests
{
    [Fact]
    public async Task Period_UsesTheCrmsFiscalYear_WhenTheAdministratorSetNone_AndTheResultSaysWhichPeriod()
    {
        await using CrmToolHost crm = await StartAsync(gateway: new RecordingCrmGateway { CrmFiscalYearStartMonth = 4 });

        CallToolResult result = await crm.CallAsync("crm_search_opportunities", """{"period":"this_quarter"}""");

        Assert.Equal(new DateRange(new DateOnly(2026, 4, 1), new DateOnly(2026, 7, 1)), crm.Gateway.Last<OpportunityFilter>().CloseDate);
        JsonElement period = Structured(result).GetProperty("period");
        Assert.Equal("2026-Q1", period.GetProperty("name").GetString());
        Assert.Equal("2026-04-01", period.GetProperty("start").GetString());
        Assert.Equal("2026-06-30", period.GetProperty("end").GetString());
        Assert.Equal("UTC", period.GetProperty("time_zone").GetString());
        Assert.Contains("2026-Q1: 2026-04-01 to 2026-06-30 inclusive, time zone UTC", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Period_TheAdministratorsFiscalYearWins_AndTheCrmIsNotAsked()
    {
        await using CrmToolHost crm = await StartAsync(new() { ["Crm:FiscalYearStartMonth"] = "1" }, new RecordingCrmGateway { CrmFiscalYearStartMonth = 4 });

        CallToolResult result = await crm.CallAsync("crm_top_accounts", """{"period":"this_quarter"}""");

        Assert.Equal(new DateRange(new DateOnly(2026, 4, 1), new DateOnly(2026, 7, 1)), crm.Gateway.Last<RankingRequest>().Period);
        Assert.Equal("2026-Q2", Structured(result).GetProperty("period").GetProperty("name").GetString());
        Assert.Equal(0, crm.Gateway.FiscalYearCalls);
    }

    [Fact]
    public async Task Period_IsCalendarQuarters_WhenNeitherTheAdministratorNorTheCrmSetsAFiscalYear()
    {
        await using CrmToolHost crm = await StartAsync();

        CallToolResult result = await crm.CallAsync("crm_search_opportunities", """{"period":"2026-Q4","status":"won"}""");

        OpportunityFilter filter = crm.Gateway.Last<OpportunityFilter>();
        Assert.Equal(new DateRange(new DateOnly(2026, 10, 1), new DateOnly(2027, 1, 1)), filter.CloseDate);
        Assert.Equal(OpportunityStatus.Won, filter.Status);
        Assert.True(result.IsError is null or false);
    }

    [Fact]
    public async Task Period_IsComputedInTheConfiguredTimeZone_NotInUtc()
    {
        // 2026-06-30 13:00 UTC is already 1 July in Auckland: this_quarter is Q3 there.
        await using CrmToolHost crm = await StartAsync(new() { ["Crm:TimeZone"] = "Pacific/Auckland" }, now: new DateTimeOffset(2026, 6, 30, 13, 0, 0, TimeSpan.Zero));

        CallToolResult result = await crm.CallAsync("crm_top_accounts", "{}");

        JsonElement period = Structured(result).GetProperty("period");
        Assert.Equal("2026-Q3", period.GetProperty("name").GetString());
        Assert.Equal("Pacific/Auckland", period.GetProperty("time_zone").GetString());
    }

    [Theory]
    [InlineData("""{"period":"this_quarter","close_date_from":"2026-01-01"}""", "either `period` or `close_date_from`")]
    [InlineData("""{"close_date_from":"2026-02-30"}""", "`close_date_from` must be a real calendar date")]
    [InlineData("""{"close_date_from":"2026-03-01","close_date_before":"2026-03-01"}""", "`close_date_from` must be before `close_date_before`")]
    [InlineData("""{"min_amount":10,"max_amount":5}""", "`min_amount` must not be greater than `max_amount`")]
    [InlineData("""{"stages":["Closed Won","  "]}""", "`stages[1]` must be one line")]
    public async Task SearchOpportunities_InputTheGatewayCannotUse_IsAnInstructionAndNothingIsAsked(string arguments, string expected)
    {
        await using CrmToolHost crm = await StartAsync();

        CallToolResult result = await crm.CallAsync("crm_search_opportunities", arguments);

        Assert.True(result.IsError);
        Assert.Contains(expected, Text(result), StringComparison.Ordinal);
        Assert.Empty(crm.Gateway.Received.OfType<OpportunityFilter>());
    }

    [Fact]
    public async Task CloseDates_ArePassedAsAHalfOpenRange()
    {
        await using CrmToolHost crm = await StartAsync();

        await crm.CallAsync("crm_search_opportunities", """{"close_date_from":"2026-01-15","min_amount":1000,"owner":"me","account_id":"001A"}""");

        OpportunityFilter filter = crm.Gateway.Last<OpportunityFilter>();
        Assert.Equal(new DateRange(new DateOnly(2026, 1, 15), null), filter.CloseDate);
        Assert.Equal(new AmountRange(1000m, null), filter.Amount);
        Assert.Equal("me", filter.Owner);
        Assert.Equal("001A", filter.AccountId);
    }

    [Theory]
    [InlineData(null, 5)]
    [InlineData(7, 7)]
    [InlineData(500, 50)]
    public async Task PageSize_IsTheDefault_OrTheAsk_NeverAboveTheCap(int? asked, int sent)
    {
        await using CrmToolHost crm = await StartAsync();

        await crm.CallAsync("crm_search_accounts", asked is null ? "{}" : $$"""{"max_results":{{asked}}}""");

        Assert.Equal(sent, crm.Gateway.Last<PageRequest>().Size);
    }

    [Fact]
    public async Task MorePages_AreATruncationNoticeWithTheCursor_AndTheCursorGoesBackUnchanged()
    {
        var gateway = new RecordingCrmGateway { NextCursor = "c-2", Total = 12, Accounts = [.. Enumerable.Range(1, 5).Select(i => RecordingCrmGateway.Account($"001{i}", $"Acme {i}"))] };
        await using CrmToolHost crm = await StartAsync(gateway: gateway);

        CallToolResult first = await crm.CallAsync("crm_search_accounts", """{"name_contains":"Acme"}""");
        await crm.CallAsync("crm_search_accounts", """{"name_contains":"Acme","cursor":"c-2"}""");

        JsonElement s = Structured(first);
        Assert.True(s.GetProperty("truncated").GetBoolean());
        Assert.Equal("c-2", s.GetProperty("next_cursor").GetString());
        Assert.Equal("Salesforce", s.GetProperty("provider").GetString());
        Assert.Contains("[Truncated: showing 5 of 12 (page size 5).", Text(first), StringComparison.Ordinal);
        Assert.Contains("next_cursor: c-2", Text(first), StringComparison.Ordinal);
        Assert.Equal("c-2", crm.Gateway.Last<PageRequest>().Cursor);
    }

    [Fact]
    public async Task AProvidersCeiling_IsATruncationNoticeWithoutACursor()
    {
        var gateway = new RecordingCrmGateway { Provider = "HubSpot", Ceiling = "HubSpot search stops at 10,000 results", Total = 14000 };
        await using CrmToolHost crm = await StartAsync(gateway: gateway);

        CallToolResult result = await crm.CallAsync("crm_search_accounts", "{}");

        Assert.True(Structured(result).GetProperty("truncated").GetBoolean());
        Assert.Contains("(HubSpot search stops at 10,000 results). Narrow the request", Text(result), StringComparison.Ordinal);
        Assert.Contains("HubSpot", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchAccounts_PassesEveryFilter()
    {
        await using CrmToolHost crm = await StartAsync();

        CallToolResult result = await crm.CallAsync("crm_search_accounts",
            """{"name_contains":"Ac'me","industries":["Technology"],"types":["Customer"],"owner":"me","country":"Germany","min_annual_revenue":1000000}""");

        AccountFilter filter = crm.Gateway.Last<AccountFilter>();
        Assert.Equal("Ac'me", filter.NameContains);
        Assert.Equal(["Technology"], filter.Industries);
        Assert.Equal(["Customer"], filter.Types);
        Assert.Equal("Germany", filter.Country);
        Assert.Equal(new AmountRange(1_000_000m, null), filter.AnnualRevenue);
        Assert.Contains("001A Acme (Technology, Customer, Germany, revenue 5,000,000 EUR, owner Jane Rep)", Text(result), StringComparison.Ordinal);
        Assert.Contains("(1 account, Salesforce)", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchAccounts_ALineBreakInAFilter_IsRefusedByTheSchema()
    {
        await using CrmToolHost crm = await StartAsync();

        CallToolResult result = await crm.CallAsync("crm_search_accounts", """{"name_contains":"Acme\n' OR Name != '"}""");

        Assert.True(result.IsError);
        Assert.Contains("name_contains", Text(result), StringComparison.Ordinal);
        Assert.Empty(crm.Gateway.Received);
    }

    [Fact]
    public async Task TopAccounts_RanksWithAmountsAndCurrency_DefaultsToWonThisQuarterAndTenAccounts()
    {
        await using CrmToolHost crm = await StartAsync();

        CallToolResult result = await crm.CallAsync("crm_top_accounts", "{}");

        RankingRequest request = crm.Gateway.Last<RankingRequest>();
        Assert.Equal(RankBy.Won, request.RankBy);
        Assert.Equal(10, request.Limit);
        Assert.Equal(new DateRange(new DateOnly(2026, 4, 1), new DateOnly(2026, 7, 1)), request.Period);
        string text = Text(result);
        Assert.Contains("Top accounts by won amount, close date in 2026-Q2: 2026-04-01 to 2026-06-30 inclusive, time zone UTC (Salesforce)", text, StringComparison.Ordinal);
        Assert.Contains("1. Acme (001A): 1,250,000 USD from 3 opportunities", text, StringComparison.Ordinal);
        Assert.Contains("2. Globex (001B): 400,000.5 USD from 1 opportunity", text, StringComparison.Ordinal);
        Assert.Equal(1_250_000m, Structured(result).GetProperty("accounts")[0].GetProperty("amount").GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task TopAccounts_PipelineAndTheCap_AreHonoured_AndACapReachedIsSaid()
    {
        var gateway = new RecordingCrmGateway();
        gateway.Ranking = gateway.Ranking with { CapReached = true, Scanned = 2000, CapNotice = "Stopped after 2000 deals (Crm:MaxRankingScan): totals may be low." };
        await using CrmToolHost crm = await StartAsync(gateway: gateway);

        CallToolResult result = await crm.CallAsync("crm_top_accounts", """{"rank_by":"pipeline","top":900,"period":"2026"}""");

        RankingRequest request = crm.Gateway.Last<RankingRequest>();
        Assert.Equal(RankBy.Pipeline, request.RankBy);
        Assert.Equal(50, request.Limit);
        Assert.Contains("Stopped after 2000 deals", Text(result), StringComparison.Ordinal);
        Assert.True(Structured(result).GetProperty("cap_reached").GetBoolean());
    }

    [Fact]
    public async Task UsagePastTheWarningShare_IsAWarningInTheResultAndTheAuditLine()
    {
        var gateway = new RecordingCrmGateway { Usage = new ApiUsage(13_000, 15_000) };
        await using CrmToolHost crm = await StartAsync(gateway: gateway);

        CallToolResult result = await crm.CallAsync("crm_search_contacts", """{"email":"ada@acme.example"}""");

        Assert.Contains("Salesforce API usage is at 86% of the daily limit (13000 of 15000 calls)", Text(result), StringComparison.Ordinal);
        Assert.Contains("86%", Structured(result).GetProperty("warning").GetString(), StringComparison.Ordinal);
        JsonElement audit = Assert.Single(crm.Host.AuditEvents());
        Assert.Equal("ok", audit.GetProperty("outcome").GetString());
        Assert.Contains("API usage warning: 86%", audit.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsageBelowTheWarningShare_IsNotMentioned()
    {
        await using CrmToolHost crm = await StartAsync(gateway: new RecordingCrmGateway { Usage = new ApiUsage(100, 15_000) });

        CallToolResult result = await crm.CallAsync("crm_describe_object", """{"object_type":"opportunity"}""");

        Assert.DoesNotContain("usage", Text(result), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(JsonValueKind.Null, Structured(result).GetProperty("warning").ValueKind);
        Assert.Contains("StageName \"Stage\" picklist, filterable, writable, values: Prospecting | Closed Won", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusalByTheGateway_PastTheHardShare_ReachesTheModelAsARateLimit()
    {
        var gateway = new RecordingCrmGateway
        {
            Failure = new BackendException(BackendErrorKind.RateLimited, "Salesforce API usage is past 95% of the daily limit: searches are refused until it resets."),
        };
        await using CrmToolHost crm = await StartAsync(gateway: gateway);

        CallToolResult result = await crm.CallAsync("crm_search_accounts", "{}");

        Assert.True(result.IsError);
        Assert.Contains("past 95% of the daily limit", Text(result), StringComparison.Ordinal);
        Assert.Equal("backend_error", Assert.Single(crm.Host.AuditEvents()).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task GetAccount_ShowsTheRelatedRecords_AndPassesTheCounts()
    {
        await using CrmToolHost crm = await StartAsync();

        CallToolResult result = await crm.CallAsync("crm_get_account", """{"account_id":"001A","fields":["Website"],"contacts":2,"activities":0}""");

        AccountDetailRequest request = crm.Gateway.Last<AccountDetailRequest>();
        Assert.Equal(["Website"], request.Fields);
        Assert.Equal((2, 5, 0), (request.Contacts, request.OpenOpportunities, request.Activities));
        string text = Text(result);
        Assert.Contains("Website: https://acme.example", text, StringComparison.Ordinal);
        Assert.Contains("- 003C Ada Ng (CFO, ada@acme.example", text, StringComparison.Ordinal);
        Assert.Contains("- 006O Acme renewal [Negotiation, open] 120,000 USD, closes 2026-06-30", text, StringComparison.Ordinal);
        Assert.Contains("- 00TA call 2026-05-18: Renewal call [Completed, Jane Rep]\n    Talked about\n    the renewal", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccount_NotVisible_IsNotFoundOrNotVisible()
    {
        await using CrmToolHost crm = await StartAsync();

        CallToolResult result = await crm.CallAsync("crm_get_account", """{"account_id":"001MISSING"}""");

        Assert.True(result.IsError);
        Assert.Contains("not visible to you", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListActivities_PassesTheKindsOnce_AndRefusesAnUnknownKind()
    {
        await using CrmToolHost crm = await StartAsync();

        await crm.CallAsync("crm_list_activities", """{"record_id":"001A","kinds":["call","email","call"]}""");
        CallToolResult bad = await crm.CallAsync("crm_list_activities", """{"record_id":"001A","kinds":["fax"]}""");

        Assert.Equal([ActivityKind.Call, ActivityKind.Email], crm.Gateway.Last<ActivityFilter>().Kinds);
        Assert.Equal("001A", crm.Gateway.Received.OfType<string>().Single());
        Assert.True(bad.IsError);
        Assert.Contains("`kinds[0]` must be one of task, call, meeting, note, email", Text(bad), StringComparison.Ordinal);
    }
}
