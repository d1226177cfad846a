using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;

namespace McpServers.Documents.Tests.Server;

/// <summary>The built (or, in CI, the NativeAOT or installed) executable over real stdio with --demo.</summary>
public sealed class DocumentsServerProcessTests
{
    private static readonly string[] ReadTools = ["docs_compare_versions", "docs_get", "docs_list", "docs_list_versions", "docs_search"];

    private static Dictionary<string, string?> Environment() => new()
    {
        ["MCP_DOCUMENTS__Local__IndexPath"] = Path.Combine(DocumentsServerUnderTest.IndexFolder, $"process-{Guid.NewGuid():N}.db"),
    };

    [Fact]
    public async Task Stdio_Demo_ReadsTheSamplePolicyBySectionAndStdoutIsOnlyJsonRpc()
    {
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-documents"), ["--demo"], Environment());

        await process.InitializeAsync();
        JsonElement list = await process.RequestAsync("tools/list");
        JsonElement top = await process.CallToolAsync("docs_list", []);
        JsonElement section = await process.CallToolAsync("docs_get", new JsonObject { ["id"] = "local:Demo/travel-policy.md", ["heading"] = "Per diems" });

        Assert.Equal(ReadTools, list.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.False(top.GetProperty("result").TryGetProperty("isError", out JsonElement e1) && e1.GetBoolean(), top.GetRawText());
        JsonElement structured = section.GetProperty("result").GetProperty("structuredContent");
        Assert.StartsWith("## Per diems", structured.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("EUR 45", structured.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("## Expenses", structured.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
    }

    [Fact]
    public async Task Stdio_CheckWithoutASource_FailsNamingTheSourceSettings()
    {
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-documents"), ["--check"], Environment());

        int exit = await process.CloseAndWaitAsync();

        string output = string.Join('\n', process.StdoutLines) + process.Stderr;
        Assert.NotEqual(0, exit);
        Assert.Contains("Local:Roots", output, StringComparison.Ordinal);
        Assert.Contains("Confluence:BaseUrl", output, StringComparison.Ordinal);
        Assert.Contains("SharePoint:Sites", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_ServeWithoutASource_RefusesToStartSuggestingTheDemo()
    {
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-documents"), [], Environment());

        int exit = await process.CloseAndWaitAsync();

        Assert.NotEqual(0, exit);
        Assert.Contains("No document source is configured", process.Stderr, StringComparison.Ordinal);
        Assert.Contains("--demo", process.Stderr, StringComparison.Ordinal);
        Assert.Empty(process.StdoutLines);
    }

    [Fact]
    public async Task Stdio_DemoCheck_ReportsTheLocalSource()
    {
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-documents"), ["--demo", "--check"], Environment());

        int exit = await process.CloseAndWaitAsync();

        Assert.True(exit == 0, string.Join('\n', process.StdoutLines) + process.Stderr);
        Assert.Contains(process.StdoutLines, l => l.Contains("local", StringComparison.Ordinal));
    }
}
