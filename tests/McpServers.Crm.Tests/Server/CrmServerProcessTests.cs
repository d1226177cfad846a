using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Crm.Tests.Fakes;
using McpServers.Testing.Hosting;

namespace McpServers.Crm.Tests.Server;

/// <summary>
/// The built (or, in CI, the NativeAOT or installed) executable over real stdio, configured through the vendor
/// environment names, talking to the fake Salesforce org on 127.0.0.1.
/// </summary>
public sealed class CrmServerProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Environment(FakeSalesforce salesforce) => new()
    {
        ["CRM_PROVIDER"] = "Salesforce",
        ["SALESFORCE_INSTANCE_URL"] = salesforce.BaseUrl.ToString(),
        ["SALESFORCE_ACCESS_TOKEN"] = FakeSalesforce.AccessToken,
    };

    [Fact]
    public async Task Stdio_RanksAccountsWithVendorEnvironmentNames_AndNeverShowsTheToken()
    {
        await using FakeSalesforce salesforce = await FakeSalesforce.StartAsync(Ct);
        string audit = Directory.CreateTempSubdirectory("mcp-crm-audit-").FullName;
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-crm"),
            ["--audit-log", Path.Combine(audit, "audit-.jsonl"), "--set", "Logging:Level=Debug", "--set", "Crm:FiscalYearStartMonth=1",
                "--set", "Crm:TimeZone=UTC", "--set", "Salesforce:Http:MaxRetries=0"], Environment(salesforce));

        await process.InitializeAsync();
        JsonElement list = await process.RequestAsync("tools/list");
        JsonElement top = await process.CallToolAsync("crm_top_accounts", new JsonObject { ["period"] = "2026-Q4" });
        JsonElement account = await process.CallToolAsync("crm_get_account", new JsonObject { ["account_id"] = FakeSalesforce.AcmeId });

        string[] tools = [.. list.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];
        Assert.Equal(["crm_search_accounts", "crm_get_account", "crm_search_contacts", "crm_search_opportunities", "crm_top_accounts",
            "crm_list_activities", "crm_describe_object"], tools);
        JsonElement ranked = top.GetProperty("result").GetProperty("structuredContent").GetProperty("accounts");
        Assert.Equal(FakeSalesforce.AcmeId, ranked[0].GetProperty("account_id").GetString());
        Assert.Equal(FakeSalesforce.AcmeWonQ4, ranked[0].GetProperty("amount").GetProperty("amount").GetDecimal());
        Assert.False(account.GetProperty("result").TryGetProperty("isError", out JsonElement e) && e.GetBoolean(), account.GetRawText());
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
        Assert.DoesNotContain(FakeSalesforce.AccessToken, string.Join('\n', process.StdoutLines), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSalesforce.AccessToken, process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSalesforce.AccessToken, AuditFiles.RawText(audit), StringComparison.Ordinal);
        Assert.All(salesforce.Requests, r => Assert.Equal("Bearer " + FakeSalesforce.AccessToken, r.Header("Authorization")));
    }

    [Fact]
    public async Task Stdio_WithoutAProvider_RefusesToStartAndNamesTheSettingAndTheValues()
    {
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-crm"), [],
            new Dictionary<string, string?> { ["CRM_PROVIDER"] = null, ["SALESFORCE_ACCESS_TOKEN"] = CrmServerUnderTest.Token });

        int exit = await process.CloseAndWaitAsync();

        Assert.Equal(2, exit);
        Assert.Contains("CRM_PROVIDER (Crm:Provider)", process.Stderr, StringComparison.Ordinal);
        Assert.Contains("Salesforce or HubSpot", process.Stderr, StringComparison.Ordinal);
        Assert.Empty(process.StdoutLines);
        Assert.DoesNotContain(CrmServerUnderTest.Token, process.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrintTools_NeedsNoProviderOrCredentials()
    {
        var (code, stdout, stderr) = await StdioMcpProcess.RunOnceAsync(ServerExecutable.Resolve("mcp-crm"), ["--print-tools", "--allow-writes"],
            new Dictionary<string, string?> { ["CRM_PROVIDER"] = null }, Ct);

        Assert.True(code == 0, stderr);
        Assert.Equal(10, JsonDocument.Parse(stdout).RootElement.GetProperty("tools").GetArrayLength());
    }

    [Fact]
    public async Task Check_ReachesTheOrgOnce_AndReportsUserAndApiUsage()
    {
        await using FakeSalesforce salesforce = await FakeSalesforce.StartAsync(Ct);
        salesforce.UsageUsed = 13_000;
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-crm"), ["--check"], Environment(salesforce));

        int exit = await process.CloseAndWaitAsync();
        string output = string.Join('\n', process.StdoutLines) + process.Stderr;

        Assert.True(exit == 0, output);
        Assert.Contains("reached Salesforce", output, StringComparison.Ordinal);
        Assert.Contains("Jane Rep", output, StringComparison.Ordinal);
        Assert.Contains("13000 of 15000 daily API calls used: past Crm:WarnAtUsageShare", output, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSalesforce.AccessToken, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ARefusedSession_IsAFailLine_NotACrash()
    {
        await using FakeSalesforce salesforce = await FakeSalesforce.StartAsync(Ct);
        salesforce.RejectSession = true;
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-crm"), ["--check"], Environment(salesforce));

        int exit = await process.CloseAndWaitAsync();
        string output = string.Join('\n', process.StdoutLines) + process.Stderr;

        Assert.Equal(1, exit);
        Assert.Contains("FAIL  crm: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSalesforce.AccessToken, output, StringComparison.Ordinal);
    }
}
