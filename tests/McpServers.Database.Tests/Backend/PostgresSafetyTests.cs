using System.Globalization;
using System.Text.Json;
using McpServers.Database.Backend;
using McpServers.Database.Options;
using McpServers.Shared.Errors;
using McpServers.Testing.Postgres;
using Npgsql;

namespace McpServers.Database.Tests.Backend;

/// <summary>Demo data plus probes: a table of awkward types, a write-through function and a sequence.</summary>
public sealed class PostgresSafetyBackend(PostgresServer server) : PostgresDemoBackend(server)
{
    protected override string? ExtraSetupSql => """
        CREATE TYPE mood AS ENUM ('sad', 'happy');
        CREATE TABLE value_probe (
          id integer PRIMARY KEY,
          big numeric(38,10), huge bigint, small numeric(5,2), ratio double precision,
          blob bytea, stamp timestamptz, local_stamp timestamp, day date, doc jsonb, tags text[], feeling mood, token uuid
        );
        INSERT INTO value_probe VALUES
          (1, 12345678901234567890.1234567890, 1152921504606846976, 123.45, 0.1,
           '\x010203', '2026-03-31 14:00:00+00', '2026-03-31 14:00:00.5', '2026-03-31', '{"a": [1, 2]}', '{x,y}', 'happy',
           'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
          (2, NULL, 42, -0.5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'sad', NULL);
        CREATE TABLE write_probe (id integer);
        CREATE TABLE paging_probe (id integer PRIMARY KEY, grp integer NOT NULL);
        INSERT INTO paging_probe SELECT n * 10, n % 3 FROM generate_series(1, 200) AS n;
        CREATE SEQUENCE probe_seq;
        CREATE FUNCTION sneaky_write() RETURNS integer LANGUAGE sql AS 'INSERT INTO write_probe VALUES (1) RETURNING id';
        """;
}

/// <summary>PostgreSQL guarantees beyond <see cref="SafetyContractTests{TBackend}"/>: owner warnings, uuid aggregates, seek paging, the key-lookup fast path.</summary>
public sealed class PostgresSafetyTests(PostgresSafetyBackend backend) : SafetyContractTests<PostgresSafetyBackend>(backend), IClassFixture<PostgresSafetyBackend>
{
    protected override string SleepSql(int seconds) => $"SELECT pg_sleep({seconds}) IS NULL AS slept";

    protected override int SlowStatementSeconds => 10;

    protected override async Task AssertCancelledStatementStoppedAsync()
    {
        // The cluster is shared by the whole assembly (another test also sleeps 30 s): count only this database's sessions.
        long running = Convert.ToInt64(await Backend.ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(30)%' AND state = 'active' AND pid <> pg_backend_pid()"), CultureInfo.InvariantCulture);
        Assert.Equal(0, running);
    }

    protected override string CostRefusalDetail => "smaller limit";

    // The owner is a superuser: only READ ONLY stands between a statement and a write.
    protected override IDatabaseGateway CreateSuperuser(DatabaseOptions options) => Backend.CreateAsOwner(options);

    protected override Task<IDatabaseGateway> CreateWritableAsync(DatabaseOptions options) => Task.FromResult(Backend.CreateAsOwner(options));

    protected override string AccountWord => "role";

    protected override string ExpectedReaderTarget => $"postgresql:127.0.0.1/{Backend.Database!.Name}";

    protected override string ExpectedStamp => "2026-03-31T14:00:00Z";

    protected override void AssertBackendOnlyValues(QueryResult result)
    {
        Assert.Equal(42, Cell(result, 1, "huge").GetInt64());
        Assert.Equal("{x,y}", Cell(result, 0, "tags").GetString());
    }

    protected override (string Sql, string Code, string ServerText) FailingStatement =>
        ("SELECT 1 / (count(*) - count(*)) AS x FROM finance", "22012", "division");

    protected override IDatabaseGateway CreateUnmanaged(string connectionString) => new PostgresGateway(new DatabaseOptions(), connectionString);

    protected override string UnreachableConnectionString => "Host=127.0.0.1;Port=9;Username=nobody;Password=pw-Secret;Database=nowhere;Timeout=3";

    protected override string? ReaderHost => new NpgsqlConnectionStringBuilder(Backend.ReaderConnectionString).Host;

    protected override string ExternalServerVariable => PostgresServer.EnvironmentVariable;

    [Theory]
    [InlineData("SELECT sneaky_write() AS id")]
    [InlineData("SELECT nextval('probe_seq') AS n")]
    public async Task RunDeclared_WriteHiddenInAFunction_FailsBecauseTheTransactionIsReadOnly(string sql)
    {
        await AssertHiddenWriteFailsAsync(sql);

        Assert.Equal(false, await Backend.ScalarAsync("SELECT is_called FROM probe_seq"));
    }

    [Theory]
    [InlineData("WITH gone AS (DELETE FROM invoices RETURNING id) SELECT count(*) FROM gone")]
    [InlineData("DELETE FROM invoices RETURNING id")]
    [InlineData("SELECT * FROM invoices FOR UPDATE")]
    [InlineData("SELECT 1 AS x) AS q; DELETE FROM invoices; SELECT * FROM (SELECT 1")]
    public Task RunDeclared_WriteSneakedPastTheTokenCheck_FailsAndChangesNothing(string sql) =>
        AssertSneakedWriteFailsAndChangesNothingAsync(sql);

    [Fact]
    public async Task Check_OwnerRole_WarnsAboutSuperuserAndWritePrivileges()
    {
        CheckReport report = await CreateSuperuser(new DatabaseOptions()).CheckAsync([], Ct);

        Assert.StartsWith("PostgreSQL ", report.Backend, StringComparison.Ordinal);
        Assert.Contains(report.Warnings, w => w.Contains("superuser", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Contains("can write", StringComparison.Ordinal) && w.Contains("public.invoices", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Contains("CREATE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_BadCredentials_NamesTheSettingsToFix()
    {
        Backend.RequireAvailable();
        var builder = new NpgsqlConnectionStringBuilder(Backend.ReaderConnectionString) { Username = "no_such_role_" + Guid.NewGuid().ToString("N")[..8] };

        await CheckNamesSettingsAsync(builder.ConnectionString, "PGPASSWORD");
    }

    [Theory]
    [InlineData(MetricFunction.Max)]
    [InlineData(MetricFunction.Min)]
    public async Task MinMaxOnAUuidColumn_IsRefusedAsInput_BeforeTheDatabase(MetricFunction function)
    {
        var ex = await Assert.ThrowsAsync<ToolInputException>(() =>
            Gateway().AggregateAsync(new AggregateSpec("value_probe", [new MetricSpec(function, "token")]), Ct));

        Assert.Contains("token", ex.Message, StringComparison.Ordinal);
        Assert.Contains("uuid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountDistinctOnAUuidColumn_StillWorks()
    {
        QueryResult result = await Gateway().AggregateAsync(new AggregateSpec("value_probe", [new MetricSpec(MetricFunction.CountDistinct, "token", "n")]), Ct);

        Assert.Equal(1, Assert.Single(result.Rows)[0].GetInt64());
    }

    [Fact]
    public async Task CustomSchemas_AllowHrOnlyWhenConfigured_AndDeniedColumnsStayHidden()
    {
        Backend.RequireAvailable();
        await Backend.Database!.ExecuteAsync($"GRANT USAGE ON SCHEMA hr TO \"{Backend.Database.Name}_reader\"; GRANT SELECT ON ALL TABLES IN SCHEMA hr TO \"{Backend.Database.Name}_reader\";");

        await AssertHrVisibleWithoutDeniedAsync(Gateway(new DatabaseOptions { AllowedSchemas = ["public", "hr"], DeniedTables = ["public.finance"] }));
    }

    [Fact]
    public async Task Query_SeekPaging_ReturnsEveryRowOnce_WhileRowsAreInsertedAndDeletedBetweenPages()
    {
        var spec = new QuerySpec("paging_probe", Columns: ["id"], OrderBy: [new OrderSpec("grp")], Limit: 30);
        var seen = new List<long>();
        string? cursor = null;
        int pages = 0;
        do
        {
            QueryResult page = await Gateway().QueryAsync(spec with { Cursor = cursor }, Ct);
            seen.AddRange(page.Rows.Select(r => r[0].GetInt64()));
            cursor = page.Truncation.NextCursor;
            if (pages++ == 1)
            {
                // Rows sorting before the next page (grp 0, small ids) appear and vanish: an offset would shift and repeat or skip.
                await Backend.ScalarAsync("INSERT INTO paging_probe SELECT n, 0 FROM generate_series(1, 9) AS n; DELETE FROM paging_probe WHERE id IN (30, 60)");
            }
        }
        while (cursor is not null && pages < 50);

        var original = Enumerable.Range(1, 200).Select(n => (long)n * 10).ToHashSet();
        Assert.Equal(seen.Count, seen.Distinct().Count());
        // Every row that existed throughout is returned exactly once.
        Assert.Empty(original.Where(id => id is not 30 and not 60).Except(seen));
    }

    [Fact]
    public async Task Query_KeyLookup_RunsWithoutTheCostEstimate_OtherQueriesStillGated()
    {
        IDatabaseGateway gateway = Gateway(new DatabaseOptions { MaxQueryCost = 0.001 });

        QueryResult row = await gateway.QueryAsync(new QuerySpec("invoices", Columns: ["id", "total"], Filters: [new FilterSpec("id", FilterOp.Eq, Json.Of("42"))]), Ct);
        Assert.Equal(42, row.Rows.Single()[0].GetInt64());

        var ex = await Assert.ThrowsAsync<BackendException>(() =>
            gateway.QueryAsync(new QuerySpec("invoices", Columns: ["id"], Filters: [new FilterSpec("id", FilterOp.Ge, Json.Of("42"))], Limit: 1), Ct));
        Assert.Equal(BackendErrorKind.TooExpensive, ex.Kind);

        // The refusal left no transaction open on the pooled connection: the next call works.
        Assert.Single((await gateway.QueryAsync(new QuerySpec("invoices", Columns: ["id"], Filters: [new FilterSpec("id", FilterOp.Eq, Json.Of("7"))]), Ct)).Rows);
    }
}
