using System.Text.Json.Nodes;
using MySqlConnector;

namespace McpServers.Database.Tests.Server;

/// <summary>mcp-database against a real MariaDB as a process: --check verdicts by user, a query over stdio, secrets.</summary>
public sealed class MariaDbServerProcessTests(MariaDbDemoSource source) : IClassFixture<MariaDbDemoSource>
{
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

        var (code, stdout, stderr) = await DatabaseProcess.RunAsync(["--check"], new() { ["DATABASE_URL"] = url, ["MYSQL_PWD"] = password });

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

        await DatabaseProcess.AssertWritableAccountWarnsAndStrictCheckFailsAsync(env, "writer-canary-Pw7");
    }

    [Fact]
    public async Task Stdio_QueriesMariaDb_AndThePasswordAppearsNowhere()
    {
        source.RequireAvailable();
        (string url, string password) = ReaderUrl();
        await DatabaseProcess.AssertStdioQueryKeepsTheSecretAsync(new() { ["DATABASE_URL"] = url, ["MYSQL_PWD"] = password }, new JsonObject
        {
            ["table"] = "invoices",
            ["columns"] = new JsonArray("id", "total", "customer.name"),
            ["filters"] = new JsonArray(new JsonObject { ["column"] = "customer.name", ["op"] = "contains", ["value"] = "NORTHWIND" }),
            ["order_by"] = new JsonArray(new JsonObject { ["column"] = "total", ["direction"] = "desc" }),
            ["limit"] = 3,
        }, "mysql.user", password);
    }
}
