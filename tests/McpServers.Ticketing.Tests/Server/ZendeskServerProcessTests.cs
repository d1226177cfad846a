using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;
using McpServers.Ticketing.Tests.Fake;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// The built (or, in CI, the NativeAOT or installed) executable over real stdio with the Zendesk provider, configured
/// through the vendor environment names, talking to the fake Zendesk on 127.0.0.1.
/// </summary>
public sealed class ZendeskServerProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What an administrator sets: the provider, the account (a loopback fake, so its URL), the agent and the token.</summary>
    public static Dictionary<string, string?> Environment(FakeZendesk zendesk) => new()
    {
        ["TICKETING_PROVIDER"] = "Zendesk",
        ["MCP_TICKETING__Zendesk__BaseUrl"] = zendesk.BaseAddress.ToString(),
        ["ZENDESK_EMAIL"] = "jane@example.com",
        ["ZENDESK_API_TOKEN"] = TicketingToolTests.Token,
    };

    [Fact]
    public async Task Stdio_SearchesAndReadsZendeskWithVendorEnvironmentNames_AndNeverShowsTheToken()
    {
        await using FakeZendesk zendesk = await FakeZendesk.StartAsync(Ct);
        string audit = Directory.CreateTempSubdirectory("mcp-ticketing-audit-").FullName;
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-ticketing"),
            ["--audit-log", Path.Combine(audit, "audit-.jsonl"), "--set", "Logging:Level=Debug"], Environment(zendesk));

        await process.InitializeAsync();
        JsonElement list = await process.RequestAsync("tools/list");
        JsonElement search = await process.CallToolAsync("zendesk_search_tickets", new JsonObject { ["text"] = "checkout", ["statuses"] = new JsonArray("open") });
        JsonElement ticket = await process.CallToolAsync("zendesk_get_ticket", new JsonObject { ["ticket_id"] = 1 });

        Assert.Equal(["zendesk_get_ticket", "zendesk_search_tickets"],
            list.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        JsonElement structured = search.GetProperty("result").GetProperty("structuredContent");
        Assert.Equal(1, structured.GetProperty("tickets")[0].GetProperty("id").GetInt32());
        Assert.Equal("type:ticket status:\"open\" \"checkout\"", structured.GetProperty("query").GetString());
        Assert.False(ticket.GetProperty("result").TryGetProperty("isError", out JsonElement e) && e.GetBoolean(), ticket.GetRawText());
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
        Assert.DoesNotContain(TicketingToolTests.Token, string.Join('\n', process.StdoutLines), StringComparison.Ordinal);
        Assert.DoesNotContain(TicketingToolTests.Token, process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(TicketingToolTests.Token, AuditFiles.RawText(audit), StringComparison.Ordinal);
        Assert.All(zendesk.Requests, r => Assert.StartsWith("Basic ", r.Header("Authorization"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_WithTheTokenFromAFile_ReachesZendeskAndNamesTheAccount()
    {
        await using FakeZendesk zendesk = await FakeZendesk.StartAsync(Ct);
        string tokenFile = Path.Combine(Directory.CreateTempSubdirectory("mcp-ticketing-secret-").FullName, "zendesk_token");
        await File.WriteAllTextAsync(tokenFile, TicketingToolTests.Token + "\n", Ct);
        Dictionary<string, string?> environment = Environment(zendesk);
        environment.Remove("ZENDESK_API_TOKEN");
        environment["ZENDESK_API_TOKEN_FILE"] = tokenFile;
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-ticketing"), ["--check"], environment);

        int exit = await process.CloseAndWaitAsync();
        string output = string.Join('\n', process.StdoutLines) + process.Stderr;

        Assert.True(exit == 0, output);
        Assert.Contains("as Jane Agent", output, StringComparison.Ordinal);
        Assert.DoesNotContain(TicketingToolTests.Token, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_WithoutCredentials_RefusesToStartAndNamesTheSettings()
    {
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-ticketing"), ["--check"],
            new Dictionary<string, string?> { ["TICKETING_PROVIDER"] = "Zendesk", ["ZENDESK_SUBDOMAIN"] = "acme" });

        int exit = await process.CloseAndWaitAsync();

        string output = string.Join('\n', process.StdoutLines) + process.Stderr;
        Assert.NotEqual(0, exit);
        Assert.Contains("ZENDESK_API_TOKEN", output, StringComparison.Ordinal);
    }
}
