using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;
using McpServers.Ticketing.Tests.Fake;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// The built (or, in CI, the NativeAOT or installed) executable over real stdio, configured through the vendor
/// environment names, talking to the fake Jira on 127.0.0.1.
/// </summary>
public sealed class TicketingServerProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Stdio_SearchesJiraWithVendorEnvironmentNames_AndNeverShowsTheToken(bool cloud)
    {
        await using FakeJira jira = await FakeJira.StartAsync(cloud, Ct);
        string audit = Directory.CreateTempSubdirectory("mcp-ticketing-audit-").FullName;
        var environment = new Dictionary<string, string?>
        {
            ["JIRA_URL"] = jira.BaseAddress.ToString(),
            ["JIRA_PROJECTS"] = "OPS",
            ["JIRA_EMAIL"] = cloud ? "jane@example.com" : null,
            [cloud ? "JIRA_API_TOKEN" : "JIRA_PAT"] = TicketingToolTests.Token,
        };
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-ticketing"),
            ["--audit-log", Path.Combine(audit, "audit-.jsonl"), "--set", "Logging:Level=Debug"], environment);

        await process.InitializeAsync();
        JsonElement list = await process.RequestAsync("tools/list");
        JsonElement search = await process.CallToolAsync("jira_search_issues", new JsonObject { ["text"] = "checkout" });
        JsonElement issue = await process.CallToolAsync("jira_get_issue", new JsonObject { ["issue_key"] = "OPS-1" });

        Assert.Equal(TicketingWithoutConfigurationTests.ReadOnlyTools().Order(StringComparer.Ordinal),
            list.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        JsonElement structured = search.GetProperty("result").GetProperty("structuredContent");
        Assert.Equal("OPS-1", structured.GetProperty("issues")[0].GetProperty("key").GetString());
        Assert.Equal("project in (\"OPS\") AND (text ~ \"checkout\") ORDER BY updated DESC", structured.GetProperty("jql").GetString());
        Assert.False(issue.GetProperty("result").TryGetProperty("isError", out JsonElement e) && e.GetBoolean(), issue.GetRawText());
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
        Assert.DoesNotContain(TicketingToolTests.Token, string.Join('\n', process.StdoutLines), StringComparison.Ordinal);
        Assert.DoesNotContain(TicketingToolTests.Token, process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(TicketingToolTests.Token, AuditFiles.RawText(audit), StringComparison.Ordinal);
        Assert.All(jira.Requests, r => Assert.NotNull(r.Header("Authorization")));
    }

    [Fact]
    public async Task Stdio_WithoutProjects_RefusesToStartAndNamesTheSetting()
    {
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-ticketing"), ["--check"],
            new Dictionary<string, string?> { ["JIRA_URL"] = "http://127.0.0.1:9/", ["JIRA_PAT"] = TicketingToolTests.Token });

        int exit = await process.CloseAndWaitAsync();

        // --check prints its verdict (configuration problems included) on stdout.
        string output = string.Join('\n', process.StdoutLines) + process.Stderr;
        Assert.NotEqual(0, exit);
        Assert.Contains("Jira:Projects", output, StringComparison.Ordinal);
        Assert.DoesNotContain(TicketingToolTests.Token, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_LoginWithoutOAuthSettings_ExplainsWhatToSet()
    {
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-ticketing"), ["login"],
            new Dictionary<string, string?> { ["JIRA_URL"] = "http://127.0.0.1:9/", ["JIRA_PROJECTS"] = "OPS", ["JIRA_PAT"] = TicketingToolTests.Token });

        int exit = await process.CloseAndWaitAsync();

        Assert.Equal(2, exit);
        Assert.Contains("Jira:OAuth:ClientId", process.Stderr, StringComparison.Ordinal);
        Assert.Empty(process.StdoutLines);
    }

    [Fact]
    public async Task Check_ReachesJiraOnceAndReportsFlavourAccountAndProjects()
    {
        await using FakeJira jira = await FakeJira.StartAsync(cloud: false, Ct);
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-ticketing"), ["--check"], new Dictionary<string, string?>
        {
            ["JIRA_URL"] = jira.BaseAddress.ToString(),
            ["JIRA_PROJECTS"] = "OPS,SALES",
            ["JIRA_PAT"] = TicketingToolTests.Token,
        });

        int exit = await process.CloseAndWaitAsync();
        string output = string.Join('\n', process.StdoutLines) + process.Stderr;

        Assert.True(exit == 0, output);
        Assert.Contains("reached Jira Data Center 9.12.0 as Jane Doe", output, StringComparison.Ordinal);
        Assert.Contains("visible: OPS", output, StringComparison.Ordinal);
        Assert.Contains("cannot see: SALES", output, StringComparison.Ordinal);
        Assert.DoesNotContain(TicketingToolTests.Token, output, StringComparison.Ordinal);
    }
}
