using System.Security.Cryptography;
using System.Text.Json;
using McpServers.Database.Backend;
using McpServers.Database.Options;
using McpServers.Shared.Errors;
using Microsoft.Data.Sqlite;

namespace McpServers.Database.Tests.Backend;

/// <summary>SQLite-only guarantees: read-only open, the VM-step budget and deadline, cancellation, user files, value fidelity.</summary>
public sealed class SqliteSafetyTests(SqliteDemoBackend backend) : IClassFixture<SqliteDemoBackend>
{
    // A recursive CTE that runs for as long as it is allowed to: SQLite's stand-in for pg_sleep.
    private const string Endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000000000) SELECT max(i) AS top FROM n";

    private static readonly IReadOnlyDictionary<string, JsonElement> NoArgs = new Dictionary<string, JsonElement>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunDeclared_OverTheStepBudget_IsRefusedAsTooExpensive()
    {
        IDatabaseGateway gateway = backend.Create(new DatabaseOptions { MaxSqliteSteps = 200_000 });

        var ex = await Assert.ThrowsAsync<BackendException>(() => gateway.RunDeclaredAsync(DemoTools.Probe(
            "SELECT count(*) AS n FROM invoice_lines a CROSS JOIN invoice_lines b"), NoArgs, Ct));

        Assert.Equal(BackendErrorKind.TooExpensive, ex.Kind);
        Assert.Contains("add filters", ex.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunDeclared_SlowStatement_StopsAtStatementTimeout()
    {
        IDatabaseGateway gateway = backend.Create(new DatabaseOptions
        {
            StatementTimeout = TimeSpan.FromMilliseconds(300),
            LockTimeout = TimeSpan.FromMilliseconds(300),
            MaxSqliteSteps = long.MaxValue / 2,
        });

        var ex = await Assert.ThrowsAsync<BackendException>(() => gateway.RunDeclaredAsync(DemoTools.Probe(Endless), NoArgs, Ct));

        Assert.Equal(BackendErrorKind.TimedOut, ex.Kind);
        Assert.Contains("0.3 s statement timeout", ex.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunDeclared_Cancelled_StopsPromptlyAndTheGatewayStaysUsable()
    {
        IDatabaseGateway gateway = backend.Create(new DatabaseOptions { MaxSqliteSteps = long.MaxValue / 2 });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Run(() => gateway.RunDeclaredAsync(DemoTools.Probe(Endless), NoArgs, cts.Token), Ct));

        QueryResult after = await gateway.QueryAsync(new QuerySpec("products", Columns: ["id"], Limit: 2), Ct);
        Assert.Equal(2, after.RowCount);
    }

    [Theory]
    [InlineData("DELETE FROM invoices RETURNING id")]
    [InlineData("SELECT 1 AS x) AS q; DELETE FROM invoices; SELECT * FROM (SELECT 1")]
    [InlineData("WITH gone AS (DELETE FROM invoices RETURNING id) SELECT count(*) FROM gone")]
    public async Task RunDeclared_WriteSneakedPastTheTokenCheck_FailsAndChangesNothing(string sql)
    {
        string before = await backend.FingerprintAsync();
        var sneaked = new DeclaredQuery("sneaked", "d", sql, Json.Of("""{"type":"object"}"""), [], null) { Segments = [(sql, null)] };

        await Assert.ThrowsAsync<BackendException>(() => backend.Gateway.RunDeclaredAsync(sneaked, NoArgs, Ct));

        Assert.Equal(before, await backend.FingerprintAsync());
    }

    [Fact]
    public async Task DemoGateway_CreatesItsOwnDatabaseLazily_AndDeletesItOnDispose()
    {
        var gateway = new SqliteGateway(new DatabaseOptions { Demo = true }, null, timeProvider: DemoClock.Provider);
        string[] before = Directory.GetDirectories(Path.GetTempPath(), "mcp-database-demo-*");

        TableList tables = await gateway.ListTablesAsync(cancellationToken: Ct);
        string[] during = Directory.GetDirectories(Path.GetTempPath(), "mcp-database-demo-*");
        await gateway.DisposeAsync();

        Assert.Equal(6, tables.Tables.Count);
        // Other demo gateways (parallel test classes, other test runs sharing the temp folder) may create their own
        // folders meanwhile: this gateway's is the new one that is gone after dispose.
        string[] created = [.. during.Except(before)];
        Assert.NotEmpty(created);
        Assert.Contains(created, d => !Directory.Exists(d));
    }

    [Fact]
    public async Task UserFile_IsServedReadOnly_ValuesKeepPrecision_AndTheFileIsUnchanged()
    {
        string directory = Directory.CreateTempSubdirectory("mcp-db-user-").FullName;
        try
        {
            string file = Path.Combine(directory, "user.db");
            await using (var setup = new SqliteConnection($"Data Source={file};Pooling=False"))
            {
                await setup.OpenAsync(Ct);
                await using SqliteCommand cmd = setup.CreateCommand();
                cmd.CommandText = """
                    CREATE TABLE items (id INTEGER PRIMARY KEY, big INTEGER, price NUMERIC(10,2), ratio REAL, data BLOB, flag BOOLEAN, seen_at DATETIME, day DATE, label TEXT, secret_key TEXT);
                    INSERT INTO items VALUES (1, 1152921504606846976, 0.3, 0.1, x'0102', 1, '2026-03-31 14:00:00', '2026-03-31', 'a' || char(8238) || 'b' || char(7), 's');
                    INSERT INTO items VALUES (2, 7, 19.99, 2.5, NULL, 0, NULL, NULL, NULL, NULL);
                    """;
                await cmd.ExecuteNonQueryAsync(Ct);
            }

            byte[] hashBefore = SHA256.HashData(await File.ReadAllBytesAsync(file, Ct));
            await using var gateway = new SqliteGateway(new DatabaseOptions { SqlitePath = file }, file);

            QueryResult result = await gateway.QueryAsync(new QuerySpec("items", OrderBy: [new OrderSpec("id")]), Ct);
            QueryResult sum = await gateway.AggregateAsync(new AggregateSpec("items", [new MetricSpec(MetricFunction.Sum, "price", "total")]), Ct);

            Assert.DoesNotContain(result.Columns, c => c.Name == "secret_key");
            IReadOnlyList<JsonElement> row = result.Rows[0];
            Assert.Equal("1152921504606846976", row[1].GetString());
            Assert.Equal(0.30m, row[2].GetDecimal());
            Assert.Equal(0.1, row[3].GetDouble());
            Assert.Equal("<binary, 2 bytes>", row[4].GetString());
            Assert.Equal(JsonValueKind.True, row[5].ValueKind);
            Assert.Equal("2026-03-31T14:00:00", row[6].GetString());
            Assert.Equal("2026-03-31", row[7].GetString());
            Assert.Equal("ab", row[8].GetString());
            Assert.Equal(7, result.Rows[1][1].GetInt64());
            Assert.Equal(20.29m, Assert.Single(sum.Rows)[0].GetDecimal());
            Assert.Equal(hashBefore, SHA256.HashData(await File.ReadAllBytesAsync(file, Ct)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task MissingFile_IsUnavailable_WithoutThePath()
    {
        string file = Path.Combine(Path.GetTempPath(), "does-not-exist-" + Guid.NewGuid().ToString("N") + ".db");
        await using var gateway = new SqliteGateway(new DatabaseOptions(), file);

        var ex = await Assert.ThrowsAsync<BackendException>(() => gateway.ListTablesAsync(cancellationToken: Ct));

        Assert.Equal(BackendErrorKind.Unavailable, ex.Kind);
        Assert.DoesNotContain(file, ex.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ReportsVersionAndPreparesDeclaredStatements()
    {
        CheckReport report = await backend.Gateway.CheckAsync([DemoTools.Finance], Ct);

        Assert.True(report.Ok, string.Join("; ", report.Errors));
        Assert.StartsWith("SQLite 3.", report.Backend, StringComparison.Ordinal);
        Assert.True(Assert.Single(report.DeclaredQueries).Ok);
        Assert.StartsWith("OK: SQLite 3.", report.ToText(), StringComparison.Ordinal);
        Assert.Contains("declared tool query_finance_data: prepared", report.ToText(), StringComparison.Ordinal);
    }
}
