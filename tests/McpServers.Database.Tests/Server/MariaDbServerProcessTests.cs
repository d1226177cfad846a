using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;
using MySqlConnector;

namespace McpServers.Database.Tests.Server;

/// <summary>mcp-database against a real MariaDB as a process: --check verdicts by user, a query over stdio, secrets.</summary>
public sealed class MariaDbServerProcessTests(MariaDbDemoSource source) : IClassFixture<MariaDbDemoSource>
{
    private static readonly string Exe = ServerExecutable.Resolve("mcp-database");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args, Dictionary<string, string?> env) =>
        StdioMcpProcess.RunOnceAsync(Exe, args, env, Ct);

    /// <summary>The reader as a mysql:// URI without its password, which comes from MYSQL_PWD.</summary>
    private (string Url, string Password) ReaderUrl()
    {
        var builder = new MySqlConnectionStringBuilder(source.ReaderConnectionString!);
        return ($"mysql://{Uri.EscapeDataString(builder.UserID)}@{builder.Server}:{builder.Port}/{builder.Database}", builder.Password);
    }

    [Fact]
    public async Task Check_AsTheReadOnlyUser_IsReadyWithoutWarnings_AndNamesMariaDb()
    {
        source.RequireAvailable();
        (string url, string password) = ReaderUrl();

        var (code, stdout, stderr) = await RunAsync(["--check"], new() { ["DATABASE_URL"] = url, ["MYSQL_PWD"] = password });

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("mcp-database: ready.", stdout, StringComparison.Ordinal);
        Assert.Contains($"reached mysql:127.0.0.1/{source.DatabaseName} (MariaDB ", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("warn", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(password, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AsAWritableUser_Warns_AndRequireReadOnlyRoleFails()
    {
        source.RequireAvailable();
        string writer = await source.Server.CreateUserAsync(source.DatabaseName + "_writer", "writer-canary-Pw7", writable: true, source.DatabaseName);
        var env = new Dictionary<string, string?> { ["MCP_DATABASE__ConnectionString"] = writer, ["MCP_DATABASE__Provider"] = "mysql" };

        var (code, stdout, _) = await RunAsync(["--check"], env);
        env["MCP_DATABASE__RequireReadOnlyRole"] = "true";
        var (strictCode, strictStdout, strictStderr) = await RunAsync(["--check"], env);

        Assert.Equal(0, code);
        Assert.Contains("warn  privileges", stdout, StringComparison.Ordinal);
        Assert.Equal(1, strictCode);
        Assert.True(strictStdout.Contains("RequireReadOnlyRole", StringComparison.Ordinal), strictStdout);
        Assert.DoesNotContain("writer-canary-Pw7", stdout + strictStdout + strictStderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_QueriesMariaDb_AndThePasswordAppearsNowhere()
    {
        source.RequireAvailable();
        (string url, string password) = ReaderUrl();
        string audit = Directory.CreateTempSubdirectory("mcp-db-audit-").FullName;
        await using var process = StdioMcpProcess.Start(Exe, ["--audit-log", Path.Combine(audit, "a-.jsonl")],
            new Dictionary<string, string?> { ["DATABASE_URL"] = url, ["MYSQL_PWD"] = password });

        await process.InitializeAsync();
        JsonElement rows = await process.CallToolAsync("db_query", new JsonObject
        {
            ["table"] = "invoices",
            ["columns"] = new JsonArray("id", "total", "customer.name"),
            ["filters"] = new JsonArray(new JsonObject { ["column"] = "customer.name", ["op"] = "contains", ["value"] = "NORTHWIND" }),
            ["order_by"] = new JsonArray(new JsonObject { ["column"] = "total", ["direction"] = "desc" }),
            ["limit"] = 3,
        });
        JsonElement failed = await process.CallToolAsync("db_query", new JsonObject { ["table"] = "mysql.user" });
        Assert.Equal(0, await process.CloseAndWaitAsync());

        JsonElement structured = rows.GetProperty("result").GetProperty("structuredContent");
        Assert.Equal(3, structured.GetProperty("row_count").GetInt32());
        Assert.True(failed.GetProperty("result").GetProperty("isError").GetBoolean());
        process.AssertStdoutIsOnlyJsonRpc();
        string everything = string.Join("\n", process.StdoutLines) + process.Stderr + AuditFiles.RawText(audit);
        Assert.DoesNotContain(password, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", string.Join("\n", process.StdoutLines), StringComparison.Ordinal);
    }
}
