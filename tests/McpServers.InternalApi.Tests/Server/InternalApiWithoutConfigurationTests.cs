using System.Text.Json;
using McpServers.InternalApi.Tests.Service;
using McpServers.Testing.Hosting;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>mcp-internal-api without a service: the manifest depends only on the document and the selection settings.</summary>
public sealed class InternalApiWithoutConfigurationTests
{
    private static readonly string Exe = ServerExecutable.Resolve("mcp-internal-api");

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        StdioMcpProcess.RunOnceAsync(Exe, args, new Dictionary<string, string?> { ["INTERNAL_API_TOKEN"] = null }, TestContext.Current.CancellationToken);

    private static string[] ToolNames(string manifest) =>
        [.. JsonDocument.Parse(manifest).RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];

    [Fact]
    public async Task PrintTools_WithNoSettings_IsEmptyAndNamesTheDocumentSetting()
    {
        var (code, stdout, stderr) = await RunAsync("--print-tools");

        Assert.True(code == 0, stderr);
        Assert.Empty(ToolNames(stdout));
        Assert.Contains("Document (not set)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrintTools_FromADocumentFile_NeedsNoBaseUrlOrCredentials()
    {
        var (code, stdout, stderr) = await RunAsync("--print-tools", "--openapi", InventoryService.DocumentFile, "--set", "Auth:Mode=Bearer");

        Assert.True(code == 0, stderr);
        Assert.Contains("api_list_items", ToolNames(stdout));
        Assert.Contains("Document (set)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MisspelledSetting_IsRefusedWithTheClosestName()
    {
        var (code, _, stderr) = await RunAsync("--print-tools", "--set", "Auth:Mod=Bearer");

        Assert.Equal(2, code);
        Assert.Contains("unknown setting 'Auth:Mod'; did you mean 'Auth:Mode'?", stderr, StringComparison.Ordinal);
    }
}
