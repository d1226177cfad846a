using System.Text.Json.Nodes;
using McpServers.Testing.Conformance;
using McpServers.Testing.Hosting;

namespace McpServers.Database.Tests.Server;

/// <summary>mcp-database as a process without PostgreSQL: the command line a newcomer meets first.</summary>
public sealed class DatabaseServerProcessTests
{
    private static readonly string Exe = ServerExecutable.Resolve("mcp-database");

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        StdioMcpProcess.RunOnceAsync(Exe, args, new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = null,
            ["PGPASSWORD"] = null,
            ["MCP_DATABASE__ConnectionString"] = null,
        }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Help_ListsTheDatabaseSettingsAndSwitches()
    {
        var (code, stdout, _) = await RunAsync("--help");

        Assert.Equal(0, code);
        foreach (string expected in new[] { "--demo", "--sqlite <file>", "MaxQueryCost", "DeniedColumns", "DATABASE_URL", "PGPASSWORD", "[secret" })
        {
            Assert.Contains(expected, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NoDatabaseConfigured_ExitsWith2AndSaysWhatToSet()
    {
        var (code, stdout, stderr) = await RunAsync();

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("ConnectionString", stderr, StringComparison.Ordinal);
        Assert.Contains("--demo", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionStringOnTheCommandLine_IsRefused()
    {
        var (code, _, stderr) = await RunAsync("--set", "ConnectionString=Host=db;Password=x");

        Assert.Equal(2, code);
        Assert.Contains("MCP_DATABASE__ConnectionString", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoCheck_IsReady()
    {
        var (code, stdout, _) = await RunAsync("--demo", "--check");

        Assert.Equal(0, code);
        Assert.Contains("mcp-database: ready.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_IgnoresADatabaseUrlInTheEnvironment_AndSaysSo()
    {
        var (code, stdout, stderr) = await StdioMcpProcess.RunOnceAsync(Exe, ["--demo", "--check"], new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "postgres://someone:pw@127.0.0.1:9/elsewhere",
            ["PGPASSWORD"] = "pw",
            ["MCP_DATABASE__ConnectionString"] = null,
        }, TestContext.Current.CancellationToken);

        Assert.Equal(0, code);
        Assert.Contains("mcp-database: ready.", stdout, StringComparison.Ordinal);
        Assert.Contains("ignoring", stderr, StringComparison.Ordinal);
        Assert.Contains("DATABASE_URL", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrintTools_MatchesTheCommittedManifest()
    {
        var (code, stdout, _) = await RunAsync("--demo", "--declared-tools", DatabaseServerUnderTest.DeclaredToolsFile, "--print-tools");

        Assert.Equal(0, code);
        ManifestSnapshot.AssertMatches(new DatabaseServerUnderTest().ManifestSnapshotPath, stdout);
        Assert.Equal(5, JsonNode.Parse(stdout)!["tools"]!.AsArray().Count);
    }
}
