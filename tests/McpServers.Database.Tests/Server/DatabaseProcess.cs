using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;

namespace McpServers.Database.Tests.Server;

/// <summary>mcp-database as a process against a real server: the checks every server backend must pass the same way.</summary>
internal static class DatabaseProcess
{
    public static readonly string Exe = ServerExecutable.Resolve("mcp-database");

    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args, Dictionary<string, string?> env) =>
        StdioMcpProcess.RunOnceAsync(Exe, args, env, TestContext.Current.CancellationToken);

    /// <summary>
    /// --check over a writable account (<paramref name="env"/>) passes with a privilege warning; with RequireReadOnlyRole
    /// it fails naming the setting; neither run prints <paramref name="secret"/>.
    /// </summary>
    public static async Task AssertWritableAccountWarnsAndStrictCheckFailsAsync(Dictionary<string, string?> env, string secret)
    {
        var (code, stdout, _) = await RunAsync(["--check"], env);
        env["MCP_DATABASE__RequireReadOnlyRole"] = "true";
        var (strictCode, strictStdout, strictStderr) = await RunAsync(["--check"], env);

        Assert.Equal(0, code);
        Assert.Contains("warn  privileges", stdout, StringComparison.Ordinal);
        Assert.Equal(1, strictCode);
        Assert.True(strictStdout.Contains("RequireReadOnlyRole", StringComparison.Ordinal), strictStdout);
        Assert.DoesNotContain(secret, stdout + strictStdout + strictStderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Over stdio with an audit log: <paramref name="query"/> (db_query) returns 3 rows, a query of the hidden
    /// <paramref name="systemTable"/> is an error, stdout is only JSON-RPC, and <paramref name="secret"/> appears in no
    /// output or audit file (nor the host on stdout).
    /// </summary>
    public static async Task AssertStdioQueryKeepsTheSecretAsync(Dictionary<string, string?> env, JsonObject query, string systemTable, string secret)
    {
        string audit = Directory.CreateTempSubdirectory("mcp-db-audit-").FullName;
        await using var process = StdioMcpProcess.Start(Exe, ["--audit-log", Path.Combine(audit, "a-.jsonl")], env);

        await process.InitializeAsync();
        JsonElement rows = await process.CallToolAsync("db_query", query);
        JsonElement failed = await process.CallToolAsync("db_query", new JsonObject { ["table"] = systemTable });
        Assert.Equal(0, await process.CloseAndWaitAsync());

        Assert.Equal(3, rows.GetProperty("result").GetProperty("structuredContent").GetProperty("row_count").GetInt32());
        Assert.True(failed.GetProperty("result").GetProperty("isError").GetBoolean());
        process.AssertStdoutIsOnlyJsonRpc();
        string everything = string.Join("\n", process.StdoutLines) + process.Stderr + AuditFiles.RawText(audit);
        Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", string.Join("\n", process.StdoutLines), StringComparison.Ordinal);
    }
}
