using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Database.Tests.Backend;
using McpServers.Testing.Hosting;
using McpServers.Testing.Postgres;
using ModelContextProtocol.Client;
using Npgsql;

namespace McpServers.Database.Tests.Server;

/// <summary>mcp-database against real PostgreSQL as a process: --check verdicts by role, audit warnings, secrets.</summary>
public sealed class PostgresServerProcessTests(PostgresDemoSource source) : IClassFixture<PostgresDemoSource>
{
    private const string Password = "pg-canary-Secret-9917";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The fixture trusts loopback connections, so a password is accepted and ignored: perfect for proving it never leaks.</summary>
    private static string WithPassword(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Password = Password }.ConnectionString;

    [Fact]
    public async Task Check_AsTheReadOnlyRole_IsReadyWithoutWarnings()
    {
        source.RequireAvailable();
        var (code, stdout, stderr) = await DatabaseProcess.RunAsync(["--check"], new() { ["MCP_DATABASE__ConnectionString"] = WithPassword(source.ReaderConnectionString!) });

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("mcp-database: ready.", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("warn", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretsFromFiles_ConnectionStringAndPgPassword_AreUsedAndNeverPrinted()
    {
        source.RequireAvailable();
        string folder = Directory.CreateTempSubdirectory("mcp-db-secrets-").FullName;
        string connectionFile = Path.Combine(folder, "connection");
        string passwordFile = Path.Combine(folder, "password");
        await File.WriteAllTextAsync(connectionFile, source.ReaderConnectionString + "\n", Ct);
        await File.WriteAllTextAsync(passwordFile, Password + "\n", Ct);

        var (code, stdout, stderr) = await DatabaseProcess.RunAsync(["--check"], new()
        {
            ["MCP_DATABASE__ConnectionString_FILE"] = connectionFile,
            ["PGPASSWORD_FILE"] = passwordFile,
        });

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("reached postgresql:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AsTheOwner_WarnsAboutPrivileges_AndRequireReadOnlyRoleFails()
    {
        source.RequireAvailable();
        var env = new Dictionary<string, string?> { ["DATABASE_URL"] = WithPassword(source.Database!.OwnerConnectionString) };

        await DatabaseProcess.AssertWritableAccountWarnsAndStrictCheckFailsAsync(env, Password);
    }

    [Fact]
    public async Task OwnerRole_EveryCallIsAuditedWithThePrivilegeWarning()
    {
        source.RequireAvailable();
        await using InMemoryMcpServer host = DatabaseServerUnderTest.Start(new Dictionary<string, string?> { ["ConnectionString"] = source.Database!.OwnerConnectionString });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        await client.CallToolAsync("db_list_tables", cancellationToken: Ct);
        await client.CallToolAsync("db_describe_table", new Dictionary<string, object?> { ["table"] = "invoices" }, cancellationToken: Ct);

        IReadOnlyList<JsonElement> events = host.AuditEvents();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Contains("superuser", e.GetProperty("backend_warnings").GetRawText(), StringComparison.Ordinal));
        Assert.StartsWith("postgresql:", events[0].GetProperty("downstream").GetString(), StringComparison.Ordinal);
        Assert.Contains("superuser", host.DiagnosticLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_QueriesPostgres_AndThePasswordAppearsNowhere()
    {
        source.RequireAvailable();
        await DatabaseProcess.AssertStdioQueryKeepsTheSecretAsync(
            new() { ["MCP_DATABASE__ConnectionString"] = WithPassword(source.ReaderConnectionString!) },
            new JsonObject { ["table"] = "invoices", ["columns"] = new JsonArray("id", "total", "customer.name"), ["limit"] = 3 },
            "pg_catalog.pg_authid",
            Password);
    }

    [Fact]
    public async Task CancellingTheMcpRequest_CancelsTheRunningStatement()
    {
        source.RequireAvailable();
        string file = Path.Combine(Directory.CreateTempSubdirectory("mcp-db-").FullName, "slow.json");
        await File.WriteAllTextAsync(file, """{"tools":[{"name":"slow_report","description":"A report that takes a long time.","sql":"SELECT pg_sleep(30) AS slept","inputSchema":{"type":"object"}}]}""", Ct);
        await using InMemoryMcpServer host = DatabaseServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["ConnectionString"] = source.ReaderConnectionString,
            ["DeclaredToolsFile"] = file,
            ["StatementTimeout"] = "00:01:00",
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.CallToolAsync("slow_report", cancellationToken: cancel.Token));

        // The server hears of the cancellation by notification; the statement must stop long before its 30 s.
        long sleeping = 1;
        IReadOnlyList<JsonElement> events = [];
        for (int i = 0; i < 100 && (sleeping > 0 || events.Count == 0); i++)
        {
            await Task.Delay(100, Ct);
            sleeping = await source.Database!.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()");
            events = host.AuditEvents();
        }

        Assert.Equal(0, sleeping);
        JsonElement audit = Assert.Single(events);
        Assert.Equal("cancelled", audit.GetProperty("outcome").GetString());
    }
}
