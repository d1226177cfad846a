using System.Text.Json;
using McpServers.Testing.Hosting;

namespace McpServers.Database.Tests.Server;

/// <summary>mcp-database with nothing configured: the manifest still prints, --check gives a verdict, typos are refused.</summary>
public sealed class DatabaseWithoutConfigurationTests
{
    private static readonly string Exe = ServerExecutable.Resolve("mcp-database");

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        StdioMcpProcess.RunOnceAsync(Exe, args, new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = null,
            ["PGPASSWORD"] = null,
            ["MCP_DATABASE__ConnectionString"] = null,
            ["MCP_DATABASE__Password"] = null,
        }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task PrintTools_NeedsNoDatabase_AndNamesTheSettingTheToolSetDependsOn()
    {
        var (code, stdout, stderr) = await RunAsync("--print-tools");

        Assert.True(code == 0, stderr);
        string[] names = [.. JsonDocument.Parse(stdout).RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];
        Assert.Equal(["db_list_tables", "db_describe_table", "db_query", "db_aggregate"], names);
        Assert.Contains("DeclaredToolsFile (not set)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithoutADatabase_IsAFailLineWithExitCode1()
    {
        var (code, stdout, stderr) = await RunAsync("--check");

        Assert.Equal(1, code);
        Assert.Contains("FAIL  configuration: ", stdout, StringComparison.Ordinal);
        Assert.Contains("ConnectionString", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MisspelledSetting_IsRefusedWithTheClosestName()
    {
        var (code, _, stderr) = await RunAsync("--demo", "--set", "MaxRowLimt=5");

        Assert.Equal(2, code);
        Assert.Contains("unknown setting 'MaxRowLimt'; did you mean 'MaxRowLimit'?", stderr, StringComparison.Ordinal);
    }
}
