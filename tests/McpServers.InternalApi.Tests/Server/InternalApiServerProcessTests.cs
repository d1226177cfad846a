using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.InternalApi.Tests.Service;
using McpServers.Testing.Hosting;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>The executable (or the native binary / installed tool named by MCP_TEST_EXE_MCP_INTERNAL_API) over real stdio.</summary>
public sealed class InternalApiServerProcessTests : IAsyncLifetime
{
    private InventoryService _service = null!;

    public async ValueTask InitializeAsync() => _service = await InventoryService.StartAsync();

    public async ValueTask DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Stdio_CallsTheServiceWithTheToken_AndNeverPrintsIt()
    {
        string audit = Directory.CreateTempSubdirectory("mcp-internal-api-audit-").FullName;
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-internal-api"),
            ["--openapi", _service.DocumentUrl, "--base-url", _service.ApiBase, "--audit-log", Path.Combine(audit, "audit-.jsonl"),
             "--set", "Logging:Level=Debug"],
            new Dictionary<string, string?>
            {
                ["MCP_INTERNAL_API__Auth__Mode"] = "Bearer",
                ["INTERNAL_API_TOKEN"] = InventoryService.BearerToken,
            });

        await process.InitializeAsync();
        JsonElement list = await process.RequestAsync("tools/list");
        JsonElement call = await process.CallToolAsync("api_get_secure", new JsonObject());
        JsonElement item = await process.CallToolAsync("api_get_item", new JsonObject { ["itemId"] = "../../admin" });

        Assert.Contains(list.GetProperty("result").GetProperty("tools").EnumerateArray(), t => t.GetProperty("name").GetString() == "api_list_items");
        Assert.False(call.GetProperty("result").TryGetProperty("isError", out JsonElement e) && e.GetBoolean(), call.GetRawText());
        Assert.True(item.GetProperty("result").GetProperty("isError").GetBoolean());
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
        Assert.Equal(["/api/secure", "/api/items/..%2F..%2Fadmin"], _service.Calls.Select(r => r.Path));
        Assert.All(_service.Calls, r => Assert.Equal("Bearer " + InventoryService.BearerToken, r.Header("Authorization")));
        string printed = string.Join('\n', process.StdoutLines) + process.Stderr + AuditFiles.RawText(audit);
        Assert.DoesNotContain(InventoryService.BearerToken, printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_ClientCredentials_Truncation_AndProblemDetails_WorkInTheShippedBinary()
    {
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-internal-api"),
            ["--openapi", InventoryService.DocumentFile, "--base-url", _service.ApiBase, "--audit-log", "-",
             "--set", "MaxResponseBytes=2048", "--set", "Auth:Mode=ClientCredentials", "--set", "Auth:TokenUrl=" + _service.TokenUrl,
             "--set", "Auth:ClientId=" + InventoryService.ClientId],
            new Dictionary<string, string?> { ["MCP_INTERNAL_API__Auth__ClientSecret"] = InventoryService.ClientSecret });

        await process.InitializeAsync();
        JsonElement secure1 = await process.CallToolAsync("api_get_secure", new JsonObject());
        JsonElement secure2 = await process.CallToolAsync("api_get_secure", new JsonObject());
        JsonElement large = await process.CallToolAsync("api_get_large", new JsonObject());
        JsonElement problem = await process.CallToolAsync("api_get_problem", new JsonObject());

        Assert.Equal("ok", secure1.GetProperty("result").GetProperty("structuredContent").GetProperty("body").GetProperty("secret_data").GetString());
        Assert.False(secure2.GetProperty("result").TryGetProperty("isError", out JsonElement e) && e.GetBoolean(), secure2.GetRawText());
        Assert.Equal(1, _service.TokensIssued);
        Assert.True(large.GetProperty("result").GetProperty("structuredContent").GetProperty("truncation").GetProperty("truncated").GetBoolean());
        string problemText = problem.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.Contains("locked by job 42", problemText, StringComparison.Ordinal);
        Assert.DoesNotContain("corp.internal", problemText, StringComparison.Ordinal);
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
        string printed = string.Join('\n', process.StdoutLines) + process.Stderr;
        Assert.DoesNotContain(InventoryService.OAuthToken, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(InventoryService.ClientSecret, printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ReportsSkippedOperations_AndReachesTheService()
    {
        var (exitCode, stdout, stderr) = await StdioMcpProcess.RunOnceAsync(ServerExecutable.Resolve("mcp-internal-api"),
            ["--openapi", InventoryService.DocumentFile, "--base-url", _service.ApiBase, "--check"], cancellationToken: TestContext.Current.CancellationToken);
        string output = stdout + stderr;

        Assert.True(exitCode == 0, output);
        Assert.Contains("8 operations served as tools, 1 skipped", output, StringComparison.Ordinal);
        Assert.Contains("GET /reports/{host} (getReport)", output, StringComparison.Ordinal);
        Assert.Contains("/api", Assert.Single(_service.Requests).Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AwaitsTheDocument_AndADocumentThatCannotBeFetchedIsAFailNamingTheSetting()
    {
        string missing = new Uri(_service.BaseAddress, "api/no-such-openapi.json").ToString();
        var (exitCode, stdout, stderr) = await StdioMcpProcess.RunOnceAsync(ServerExecutable.Resolve("mcp-internal-api"),
            ["--openapi", missing, "--base-url", _service.ApiBase, "--check"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(exitCode == 1, stdout + stderr);
        Assert.Contains("FAIL  configuration:", stdout, StringComparison.Ordinal);
        Assert.Contains("(setting Document, --openapi) could not be loaded. Document: fetching /api/no-such-openapi.json answered HTTP 404.", stdout, StringComparison.Ordinal);
    }
}
