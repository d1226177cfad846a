using System.Text.Json;
using System.Text.RegularExpressions;
using McpServers.Crm.Tests.Fakes;
using McpServers.Testing.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Crm.Tests.Server;

/// <summary>The tools through the server's own registration, the shared pipeline and the real Salesforce gateway, against the fake org.</summary>
public sealed partial class CrmEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    private static async Task<(FakeSalesforce Salesforce, InMemoryMcpServer Host, McpClient Client)> StartAsync(Dictionary<string, string?>? extra = null)
    {
        FakeSalesforce salesforce = await FakeSalesforce.StartAsync(Ct);
        Dictionary<string, string?> settings = salesforce.Settings();
        settings["Crm:TimeZone"] = "UTC";
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var host = new InMemoryMcpServer((s, c) => s.AddCrmServer(c), settings);
        return (salesforce, host, await host.ConnectAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task TopAccounts_OnTheSeededOrg_AnswersTheKnownWonTotalsInOneCall()
    {
        var (salesforce, host, client) = await StartAsync(new() { ["Crm:FiscalYearStartMonth"] = "1" });
        await using var _ = salesforce;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("crm_top_accounts", Args("""{"period":"2026-Q4","top":10}"""), cancellationToken: Ct);

        JsonElement accounts = result.StructuredContent!.Value.GetProperty("accounts");
        Assert.Equal([(FakeSalesforce.AcmeId, FakeSalesforce.AcmeWonQ4), (FakeSalesforce.GlobexId, FakeSalesforce.GlobexWonQ4), (FakeSalesforce.InitechId, FakeSalesforce.InitechWonQ4)],
            accounts.EnumerateArray().Select(a => (a.GetProperty("account_id").GetString(), a.GetProperty("amount").GetProperty("amount").GetDecimal())));
        Assert.Equal("USD", accounts[0].GetProperty("amount").GetProperty("currency").GetString());
        Assert.Contains("2026-Q4: 2026-10-01 to 2026-12-31 inclusive, time zone UTC", Text(result), StringComparison.Ordinal);
        string soql = Assert.Single(salesforce.Queries, q => q.Contains("SUM(Amount)", StringComparison.Ordinal));
        Assert.Contains("GROUP BY", soql, StringComparison.Ordinal);
        Assert.Contains("CloseDate >= 2026-10-01", soql, StringComparison.Ordinal);
        Assert.Contains("CloseDate < 2027-01-01", soql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopAccounts_Pipeline_RanksOpenAmounts()
    {
        var (salesforce, host, client) = await StartAsync(new() { ["Crm:FiscalYearStartMonth"] = "1" });
        await using var _ = salesforce;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("crm_top_accounts", Args("""{"period":"2026-Q4","rank_by":"pipeline"}"""), cancellationToken: Ct);

        JsonElement accounts = result.StructuredContent!.Value.GetProperty("accounts");
        Assert.Equal([(FakeSalesforce.InitechId, FakeSalesforce.InitechPipelineQ4), (FakeSalesforce.AcmeId, FakeSalesforce.AcmePipelineQ4)],
            accounts.EnumerateArray().Select(a => (a.GetProperty("account_id").GetString(), a.GetProperty("amount").GetProperty("amount").GetDecimal())));
    }

    [Fact]
    public async Task Periods_UseTheOrgsFiscalYear_WhenTheAdministratorSetsNone()
    {
        // The fake org's fiscal year starts in February: its 2026-Q4 is 2026-11-01 up to 2027-02-01.
        var (salesforce, host, client) = await StartAsync();
        await using var _ = salesforce;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("crm_top_accounts", Args("""{"period":"2026-Q4"}"""), cancellationToken: Ct);

        JsonElement period = result.StructuredContent!.Value.GetProperty("period");
        Assert.Equal(("2026-11-01", "2027-01-31"), (period.GetProperty("start").GetString(), period.GetProperty("end").GetString()));
        Assert.Contains(salesforce.Queries, q => q.Contains("CloseDate >= 2026-11-01", StringComparison.Ordinal) && q.Contains("CloseDate < 2027-02-01", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadOnly_WriteToolsAreHidden_AndACallIsRefusedWithoutReachingSalesforce()
    {
        var (salesforce, host, client) = await StartAsync();
        await using var _ = salesforce;
        await using var __ = host;

        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: Ct);
        CallToolResult result = await client.CallToolAsync("crm_log_activity",
            Args($$"""{"kind":"call","record_id":"{{FakeSalesforce.AcmeId}}","subject":"Renewal call"}"""), cancellationToken: Ct);

        Assert.DoesNotContain(tools, t => t.Name is "crm_log_activity" or "crm_create_record" or "crm_update_record");
        Assert.True(result.IsError);
        Assert.Contains("--allow-writes", Text(result), StringComparison.Ordinal);
        Assert.Empty(salesforce.Requests);
        Assert.Equal("denied", Assert.Single(host.AuditEvents()).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Update_TheTokenConfirmsOnlyTheArgumentsItWasIssuedFor()
    {
        var (salesforce, host, client) = await StartAsync(new() { ["Policy:ReadOnly"] = "false" });
        await using var _ = salesforce;
        await using var __ = host;
        string arguments = $$$"""{"object_type":"opportunity","record_id":"{{{FakeSalesforce.AcmeRenewalId}}}","fields":{"NextStep":"Send contract"}}""";

        CallToolResult preview = await client.CallToolAsync("crm_update_record", Args(arguments), cancellationToken: Ct);
        string token = TokenPattern().Match(Text(preview)).Groups[1].Value;
        CallToolResult changed = await client.CallToolAsync("crm_update_record",
            Args(arguments.Replace("Send contract", "Cancel the deal", StringComparison.Ordinal)[..^1] + $$""","confirmation_token":"{{token}}"}"""), cancellationToken: Ct);
        int writesAfterChanged = salesforce.Writes.Count;
        CallToolResult preview2 = await client.CallToolAsync("crm_update_record", Args(arguments), cancellationToken: Ct);
        CallToolResult done = await client.CallToolAsync("crm_update_record",
            Args(arguments[..^1] + $$""","confirmation_token":"{{TokenPattern().Match(Text(preview2)).Groups[1].Value}}"}"""), cancellationToken: Ct);

        Assert.True(preview.IsError);
        Assert.Contains("Send contract", Text(preview), StringComparison.Ordinal);
        Assert.True(changed.IsError);
        Assert.Equal(0, writesAfterChanged);
        Assert.True(done.IsError is null or false, Text(done));
        Assert.Contains("Send contract", Assert.Single(salesforce.Writes).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAccessToken_AppearsInNoResultAuditLineOrLog_EvenWhenSalesforceRefusesIt()
    {
        var (salesforce, host, client) = await StartAsync(new() { ["Policy:ReadOnly"] = "false" });
        await using var _ = salesforce;
        await using var __ = host;
        var texts = new List<string>();

        foreach ((string tool, string arguments) in new[]
        {
            ("crm_search_accounts", """{"name_contains":"Acme"}"""),
            ("crm_get_account", $$"""{"account_id":"{{FakeSalesforce.AcmeId}}"}"""),
            ("crm_describe_object", """{"object_type":"opportunity"}"""),
            ("crm_create_record", """{"object_type":"contact","fields":{"LastName":"Ng"}}"""),
        })
        {
            CallToolResult r = await client.CallToolAsync(tool, Args(arguments), cancellationToken: Ct);
            texts.Add(Text(r) + r.StructuredContent?.GetRawText());
        }

        salesforce.RejectSession = true;
        CallToolResult refused = await client.CallToolAsync("crm_search_accounts", Args("{}"), cancellationToken: Ct);
        texts.Add(Text(refused));

        Assert.True(refused.IsError);
        string everything = string.Join('\n', texts) + host.DiagnosticLog + string.Join('\n', host.AuditEvents().Select(e => e.GetRawText()));
        Assert.DoesNotContain(FakeSalesforce.AccessToken, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("AQfake-salesforce", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsagePastTheWarningShare_FromSforceLimitInfo_IsInTheResultAndTheAuditLine()
    {
        var (salesforce, host, client) = await StartAsync();
        await using var _ = salesforce;
        await using var __ = host;
        salesforce.UsageUsed = 12_600;

        CallToolResult result = await client.CallToolAsync("crm_search_accounts", Args("""{"name_contains":"Acme"}"""), cancellationToken: Ct);

        Assert.Contains("Salesforce API usage is at 84% of the daily limit (12600 of 15000 calls)", Text(result), StringComparison.Ordinal);
        Assert.Contains("API usage warning: 84%", Assert.Single(host.AuditEvents()).GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("\"confirmation_token\": \"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
