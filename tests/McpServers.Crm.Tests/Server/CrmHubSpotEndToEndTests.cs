using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpServers.Crm.Tests.Fakes;
using McpServers.Testing.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Crm.Tests.Server;

/// <summary>The same tools over the HubSpot provider and the fake HubSpot: same names and shapes, the provider named in results.</summary>
public sealed partial class CrmHubSpotEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    private static async Task<(FakeHubSpot HubSpot, InMemoryMcpServer Host, McpClient Client)> StartAsync(bool allowWrites = false)
    {
        FakeHubSpot hubspot = await FakeHubSpot.Start(Ct);
        Dictionary<string, string?> settings = hubspot.ServerSettings();
        settings["Crm:TimeZone"] = "UTC";
        settings["Policy:ReadOnly"] = allowWrites ? "false" : "true";
        var host = new InMemoryMcpServer((s, c) => s.AddCrmServer(c), settings);
        return (hubspot, host, await host.ConnectAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task TopAccounts_SumsTheWonDealsOfTheQuarter_InCalendarQuarters()
    {
        var (hubspot, host, client) = await StartAsync();
        await using var _ = hubspot;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("crm_top_accounts", Args("""{"period":"2026-Q4"}"""), cancellationToken: Ct);

        JsonElement s = result.StructuredContent!.Value;
        Assert.Equal("HubSpot", s.GetProperty("provider").GetString());
        Assert.Equal([("102", 75_000m), ("101", 50_000m), ("103", 10_000m)],
            s.GetProperty("accounts").EnumerateArray().Select(a => (a.GetProperty("account_id").GetString(), a.GetProperty("amount").GetProperty("amount").GetDecimal())));
        Assert.Equal(("2026-10-01", "2026-12-31"), (s.GetProperty("period").GetProperty("start").GetString(), s.GetProperty("period").GetProperty("end").GetString()));
        Assert.False(s.GetProperty("cap_reached").GetBoolean());
        Assert.Contains("(HubSpot)", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogActivity_IsRefusedReadOnly_AndWithWritesNeedsTheTokenForTheSameArguments()
    {
        var (readOnlyHubSpot, readOnlyHost, readOnlyClient) = await StartAsync();
        await using (readOnlyHubSpot)
        await using (readOnlyHost)
        {
            CallToolResult refused = await readOnlyClient.CallToolAsync("crm_log_activity", Args("""{"kind":"note","record_id":"101","subject":"Renewal"}"""), cancellationToken: Ct);
            Assert.True(refused.IsError);
            Assert.DoesNotContain(readOnlyHubSpot.Requests, r => r.Method is "POST" or "PATCH" && !r.Path.EndsWith("/search", StringComparison.Ordinal) && !r.Path.Contains("/batch/", StringComparison.Ordinal));
        }

        var (hubspot, host, client) = await StartAsync(allowWrites: true);
        await using var _ = hubspot;
        await using var __ = host;
        const string Arguments = """{"kind":"call","record_id":"101","subject":"Renewal call","body":"Agreed on terms","duration_minutes":20}""";

        CallToolResult preview = await client.CallToolAsync("crm_log_activity", Args(Arguments), cancellationToken: Ct);
        string token = TokenPattern().Match(Text(preview)).Groups[1].Value;
        CallToolResult changed = await client.CallToolAsync("crm_log_activity", Args(Arguments.Replace("101", "102", StringComparison.Ordinal)[..^1] + $$""","confirmation_token":"{{token}}"}"""), cancellationToken: Ct);
        int createsAfterChanged = Creates(hubspot);
        string token2 = TokenPattern().Match(Text(await client.CallToolAsync("crm_log_activity", Args(Arguments), cancellationToken: Ct))).Groups[1].Value;
        CallToolResult done = await client.CallToolAsync("crm_log_activity", Args(Arguments[..^1] + $$""","confirmation_token":"{{token2}}"}"""), cancellationToken: Ct);

        Assert.True(changed.IsError);
        Assert.Equal(0, createsAfterChanged);
        Assert.True(done.IsError is null or false, Text(done));
        Assert.Equal(1, Creates(hubspot));
        Assert.Contains("in HubSpot", Text(done), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_TheTokenFromHubSpotsEnvironmentName_NeverAppearsInAnyOutput()
    {
        await using FakeHubSpot hubspot = await FakeHubSpot.Start(Ct);
        string audit = Directory.CreateTempSubdirectory("mcp-crm-hubspot-audit-").FullName;
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-crm"),
            ["--audit-log", Path.Combine(audit, "audit-.jsonl"), "--set", "Logging:Level=Debug", "--set", $"HubSpot:BaseUrl={hubspot.BaseUrl}",
                "--set", $"HubSpot:OwnerId={FakeHubSpot.MyOwnerId}", "--set", "HubSpot:Http:MaxRetries=0"],
            new Dictionary<string, string?> { ["CRM_PROVIDER"] = "HubSpot", ["HUBSPOT_ACCESS_TOKEN"] = FakeHubSpot.Token });

        await process.InitializeAsync();
        JsonElement search = await process.CallToolAsync("crm_search_accounts", new JsonObject { ["name_contains"] = "Acme" });
        JsonElement account = await process.CallToolAsync("crm_get_account", new JsonObject { ["account_id"] = "101" });

        Assert.Equal("101", search.GetProperty("result").GetProperty("structuredContent").GetProperty("accounts")[0].GetProperty("id").GetString());
        Assert.False(account.GetProperty("result").TryGetProperty("isError", out JsonElement e) && e.GetBoolean(), account.GetRawText());
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
        string everything = string.Join('\n', process.StdoutLines) + process.Stderr + AuditFiles.RawText(audit);
        Assert.DoesNotContain(FakeHubSpot.Token, everything, StringComparison.Ordinal);
    }

    private static int Creates(FakeHubSpot hubspot) =>
        hubspot.Requests.Count(r => r.Method == "POST" && !r.Path.EndsWith("/search", StringComparison.Ordinal) && !r.Path.Contains("/batch/", StringComparison.Ordinal));

    [GeneratedRegex("\"confirmation_token\": \"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
