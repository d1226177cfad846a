using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;
using McpServers.Ticketing.Tests.Fake;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// The built (or, in CI, the NativeAOT or installed) executable over real stdio with the ServiceNow provider,
/// configured through the vendor environment names, talking to the fake instance on 127.0.0.1.
/// </summary>
public sealed class ServiceNowServerProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Environment(FakeServiceNow snow) => new()
    {
        ["TICKETING_PROVIDER"] = "ServiceNow",
        ["SERVICENOW_INSTANCE_URL"] = snow.BaseUrl.ToString(),
        ["SERVICENOW_USERNAME"] = FakeServiceNow.UserName,
        ["SERVICENOW_PASSWORD"] = FakeServiceNow.Password,
        ["JIRA_URL"] = null,
        ["JIRA_API_TOKEN"] = null,
    };

    [Fact]
    public async Task Stdio_SearchesAndCounts_WithVendorEnvironmentNames_AndNeverShowsThePassword()
    {
        await using FakeServiceNow snow = await FakeServiceNow.StartAsync(Ct);
        string audit = Directory.CreateTempSubdirectory("mcp-snow-audit-").FullName;
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-ticketing"),
            ["--audit-log", Path.Combine(audit, "audit-.jsonl"), "--set", "Logging:Level=Debug"], Environment(snow));

        await process.InitializeAsync();
        JsonElement list = await process.RequestAsync("tools/list");
        JsonElement search = await process.CallToolAsync("snow_search_records", new JsonObject
        {
            ["table"] = "incident",
            ["filters"] = new JsonArray(new JsonObject { ["field"] = "priority", ["operator"] = "equals", ["value"] = "1" }),
        });
        JsonElement count = await process.CallToolAsync("snow_count_records", new JsonObject { ["table"] = "incident", ["group_by"] = "priority" });

        Assert.Equal(["snow_count_records", "snow_get_record", "snow_search_records"],
            list.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(3, search.GetProperty("result").GetProperty("structuredContent").GetProperty("records").GetArrayLength());
        Assert.Equal(4, count.GetProperty("result").GetProperty("structuredContent").GetProperty("total").GetInt64());
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
        Assert.DoesNotContain(FakeServiceNow.Password, string.Join('\n', process.StdoutLines) + process.Stderr + AuditFiles.RawText(audit), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ReportsTheUserAndEachTable()
    {
        await using FakeServiceNow snow = await FakeServiceNow.StartAsync(Ct);
        snow.ForbiddenTables.Add("change_request");
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-ticketing"), ["--check"], Environment(snow));

        int exit = await process.CloseAndWaitAsync();
        string output = string.Join('\n', process.StdoutLines) + process.Stderr;

        Assert.Equal(1, exit);
        Assert.Contains("as MCP Integration (basic auth)", output, StringComparison.Ordinal);
        Assert.Contains("ok    table incident: readable; writes allowed", output, StringComparison.Ordinal);
        Assert.Contains("ok    table kb_knowledge: readable (read-only)", output, StringComparison.Ordinal);
        Assert.Contains("FAIL  table change_request:", output, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeServiceNow.Password, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnInstance_RefusesToStartNamingTheSettings()
    {
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-ticketing"), [],
            new Dictionary<string, string?> { ["TICKETING_PROVIDER"] = "ServiceNow", ["SERVICENOW_INSTANCE_URL"] = null, ["SERVICENOW_PASSWORD"] = null });

        int exit = await process.CloseAndWaitAsync();

        Assert.NotEqual(0, exit);
        Assert.Contains("SERVICENOW_INSTANCE_URL", process.Stderr, StringComparison.Ordinal);
        Assert.Contains("SERVICENOW_PASSWORD", process.Stderr, StringComparison.Ordinal);
        Assert.Empty(process.StdoutLines);
    }
}
