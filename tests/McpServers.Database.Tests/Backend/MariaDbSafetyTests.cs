using System.Globalization;
using System.Text.Json;
using McpServers.Database.Backend;
using McpServers.Database.Options;
using McpServers.Shared.Errors;
using McpServers.Testing.MariaDb;
using MySqlConnector;

namespace McpServers.Database.Tests.Backend;

/// <summary>Demo data in its own database plus probes: a table of awkward types, a write-through function and a sequence.</summary>
public sealed class MariaDbSafetyBackend(MariaDbServer server) : MariaDbDemoBackend(server)
{
    public override string DatabaseName => "mcp_safety";

    protected override IReadOnlyList<string> ExtraSetupSql =>
    [
        """
        CREATE TABLE value_probe (
          id INTEGER PRIMARY KEY,
          big DECIMAL(38,10), huge BIGINT, small DECIMAL(5,2), ratio DOUBLE, `blob` VARBINARY(16), stamp TIMESTAMP NULL,
          local_stamp DATETIME(1), day DATE, doc JSON, feeling ENUM('sad', 'happy'), token UUID, `odd``name` VARCHAR(20)
        )
        """,
        """
        INSERT INTO value_probe VALUES
          (1, 12345678901234567890.1234567890, 1152921504606846976, 123.45, 0.1, X'010203', '2026-03-31 14:00:00',
           '2026-03-31 14:00:00.5', '2026-03-31', '{"a": [1, 2]}', 'happy', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'plain'),
          (2, NULL, 42, -0.5, NULL, NULL, NULL, NULL, NULL, NULL, 'sad', NULL, 'O''Brien \\ slash')
        """,
        "CREATE TABLE write_probe (id INTEGER)",
        "CREATE SEQUENCE probe_seq",
        "CREATE FUNCTION sneaky_write() RETURNS INTEGER MODIFIES SQL DATA BEGIN INSERT INTO write_probe VALUES (1); RETURN 1; END",
    ];
}

/// <summary>MariaDB guarantees: READ ONLY transactions, timeouts, cancellation, the cost gate, privileges, value fidelity and safe errors.</summary>
public sealed class MariaDbSafetyTests(MariaDbSafetyBackend backend) : IClassFixture<MariaDbSafetyBackend>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DeclaredQuery Declared(string sql) => DemoTools.Probe(sql);

    private static readonly IReadOnlyDictionary<string, JsonElement> NoArgs = new Dictionary<string, JsonElement>();

    private IDatabaseGateway Gateway(DatabaseOptions? options = null)
    {
        backend.RequireAvailable();
        return options is null ? backend.Gateway : backend.Create(options);
    }

    private IDatabaseGateway AsRoot(DatabaseOptions options)
    {
        backend.RequireAvailable();
        return backend.Create(options, new MySqlConnectionStringBuilder(backend.Server.ConnectionString(backend.DatabaseName)) { Pooling = true }.ConnectionString);
    }

    [Fact]
    public async Task RunDeclared_SlowStatement_StopsAtStatementTimeout()
    {
        IDatabaseGateway gateway = Gateway(new DatabaseOptions { StatementTimeout = TimeSpan.FromSeconds(1), LockTimeout = TimeSpan.FromSeconds(1) });

        var ex = await Assert.ThrowsAsync<BackendException>(() => gateway.RunDeclaredAsync(Declared("SELECT SLEEP(5) AS slept"), NoArgs, Ct));

        Assert.Equal(BackendErrorKind.TimedOut, ex.Kind);
        Assert.Contains("1 s statement timeout", ex.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunDeclared_Cancelled_IsReportedAsCancelled_AndTheGatewayStaysUsable()
    {
        IDatabaseGateway gateway = Gateway(new DatabaseOptions());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gateway.RunDeclaredAsync(Declared("SELECT SLEEP(30) AS slept"), NoArgs, cts.Token));

        QueryResult after = await gateway.QueryAsync(new QuerySpec("products", Columns: ["id"], Limit: 3), Ct);
        Assert.Equal(3, after.RowCount);
    }

    [Fact]
    public async Task RunDeclared_CrossJoin_IsRefusedByTheCostGate()
    {
        var ex = await Assert.ThrowsAsync<BackendException>(() => Gateway().RunDeclaredAsync(
            Declared("SELECT count(*) AS n FROM invoice_lines a CROSS JOIN invoice_lines b CROSS JOIN invoices c"), NoArgs, Ct));

        Assert.Equal(BackendErrorKind.TooExpensive, ex.Kind);
        Assert.Contains("estimated rows examined", ex.SafeMessage, StringComparison.Ordinal);
        Assert.Contains("add filters", ex.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aggregate_OverTheCostLimit_IsRefusedBeforeRunning()
    {
        IDatabaseGateway gateway = Gateway(new DatabaseOptions { MaxQueryCost = 10 });

        var ex = await Assert.ThrowsAsync<BackendException>(() => gateway.AggregateAsync(new AggregateSpec(
            "invoice_lines", [new MetricSpec(MetricFunction.Sum, "line_total")], GroupBy: [new GroupSpec("invoice.customer.name")]), Ct));

        Assert.Equal(BackendErrorKind.TooExpensive, ex.Kind);
    }

    [Theory]
    [InlineData("SELECT sneaky_write() AS id")]
    [InlineData("SELECT NEXTVAL(probe_seq) AS n")]
    public async Task RunDeclared_WriteHiddenInAFunction_FailsBecauseTheTransactionIsReadOnly(string sql)
    {
        // Root may write anything: only the read-only transaction stands between this statement and a write.
        IDatabaseGateway root = AsRoot(new DatabaseOptions());
        object? sequenceBefore = await backend.ScalarAsync("SELECT next_not_cached_value FROM probe_seq");

        var ex = await Assert.ThrowsAsync<BackendException>(() => root.RunDeclaredAsync(Declared(sql), NoArgs, Ct));

        Assert.Equal(BackendErrorKind.Forbidden, ex.Kind);
        Assert.Contains("read-only", ex.SafeMessage, StringComparison.Ordinal);
        Assert.Equal(0L, Convert.ToInt64(await backend.ScalarAsync("SELECT count(*) FROM write_probe"), CultureInfo.InvariantCulture));
        Assert.Equal(sequenceBefore, await backend.ScalarAsync("SELECT next_not_cached_value FROM probe_seq"));
    }

    [Theory]
    [InlineData("DELETE FROM invoices")]
    [InlineData("SELECT 1 AS x) AS q; DELETE FROM invoices; SELECT * FROM (SELECT 1")]
    [InlineData("SELECT 1 AS x) AS q; DROP TABLE finance; SELECT * FROM (SELECT 1")]
    [InlineData("SELECT 1 AS x) AS q; CREATE TABLE sneaked (id INTEGER); SELECT * FROM (SELECT 1")]
    [InlineData("SELECT 1 AS x) AS q; SET SESSION TRANSACTION READ WRITE; COMMIT; DELETE FROM invoices; SELECT * FROM (SELECT 1")]
    [InlineData("SELECT 1 AS x /*!99999 ) AS q; DELETE FROM invoices; SELECT * FROM (SELECT 1 */")]
    [InlineData("SELECT 1 AS x /*M! ) AS q; DELETE FROM invoices; SELECT * FROM (SELECT 1 */")]
    [InlineData("SELECT 1 AS x # ;\n) AS q; DELETE FROM invoices; SELECT * FROM (SELECT 1")]
    public async Task RunDeclared_WriteSneakedPastTheTokenCheck_FailsAndChangesNothing(string sql)
    {
        IDatabaseGateway root = AsRoot(new DatabaseOptions());
        string before = await backend.FingerprintAsync();
        var sneaked = new DeclaredQuery("sneaked", "d", sql, Json.Of("""{"type":"object"}"""), [], null) { Segments = [(sql, null)] };

        await Assert.ThrowsAsync<BackendException>(() => root.RunDeclaredAsync(sneaked, NoArgs, Ct));

        Assert.Equal(before, await backend.FingerprintAsync());
        Assert.Equal(0L, Convert.ToInt64(await backend.ScalarAsync("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'sneaked'"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Check_WritableUser_WarnsAboutWritePrivileges()
    {
        IDatabaseGateway writer = await backend.CreateAsWriterAsync(new DatabaseOptions());

        CheckReport report = await writer.CheckAsync([], Ct);

        Assert.StartsWith("MariaDB ", report.Backend, StringComparison.Ordinal);
        Assert.Contains(report.Warnings, w => w.Contains("INSERT", StringComparison.Ordinal) && w.Contains(backend.DatabaseName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_Root_WarnsAboutSuper()
    {
        CheckReport report = await AsRoot(new DatabaseOptions()).CheckAsync([], Ct);

        Assert.Contains(report.Warnings, w => w.Contains("SUPER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_ReadOnlyUser_HasNoWarnings_AndPreparesDeclaredQueries()
    {
        CheckReport report = await Gateway().CheckAsync([DemoTools.Finance], Ct);

        Assert.True(report.Ok, string.Join("; ", report.Errors));
        Assert.Empty(report.Warnings);
        Assert.True(Assert.Single(report.DeclaredQueries).Ok);
        Assert.Equal($"mysql:127.0.0.1/{backend.DatabaseName}", report.Target);
    }

    [Fact]
    public async Task Check_BrokenDeclaredQuery_FailsWithASafeMessage()
    {
        CheckReport report = await Gateway().CheckAsync([Declared("SELECT no_such_column FROM finance")], Ct);

        DeclaredQueryCheck check = Assert.Single(report.DeclaredQueries);
        Assert.False(check.Ok);
        Assert.DoesNotContain("no_such_column", check.Problem, StringComparison.Ordinal);
        Assert.False(report.Ok);
    }

    [Fact]
    public async Task RequireReadOnlyRole_RefusesToServeWithAWritableUser()
    {
        IDatabaseGateway writer = await backend.CreateAsWriterAsync(new DatabaseOptions { RequireReadOnlyRole = true });

        var ex = await Assert.ThrowsAsync<BackendException>(() => writer.QueryAsync(new QuerySpec("products"), Ct));

        Assert.Equal(BackendErrorKind.Forbidden, ex.Kind);
        Assert.Contains("read-only database user", ex.SafeMessage, StringComparison.Ordinal);
        QueryResult ok = await Gateway(new DatabaseOptions { RequireReadOnlyRole = true }).QueryAsync(new QuerySpec("products", Limit: 1), Ct);
        Assert.Equal(1, ok.RowCount);
    }

    [Fact]
    public async Task Query_ValuesKeepPrecision_AndTypesAreRenderedSafely()
    {
        QueryResult result = await Gateway().QueryAsync(new QuerySpec("value_probe", OrderBy: [new OrderSpec("id")]), Ct);

        IReadOnlyList<JsonElement> row = result.Rows[0];
        JsonElement Cell(string name) => row[result.Columns.Select((c, i) => (c, i)).Single(x => x.c.Name == name).i];
        Assert.Equal("12345678901234567890.1234567890", Cell("big").GetString());
        Assert.Equal("1152921504606846976", Cell("huge").GetString());
        Assert.Equal("123.45", Cell("small").GetRawText());
        Assert.Equal(0.1, Cell("ratio").GetDouble());
        Assert.Equal("<binary, 3 bytes>", Cell("blob").GetString());
        Assert.Equal("2026-03-31T14:00:00", Cell("stamp").GetString());
        Assert.Equal("2026-03-31T14:00:00.5", Cell("local_stamp").GetString());
        Assert.Equal("2026-03-31", Cell("day").GetString());
        Assert.Equal("{\"a\": [1, 2]}", Cell("doc").GetString());
        Assert.Equal("happy", Cell("feeling").GetString());
        Assert.Equal("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", Cell("token").GetString());
        Assert.Equal("O'Brien \\ slash", result.Rows[1][result.Columns.Select(c => c.Name).ToList().IndexOf("odd`name")].GetString());
    }

    [Theory]
    [InlineData("stamp", "eq", "\"2026-03-31T16:00:00+02:00\"", 1)]
    [InlineData("local_stamp", "gt", "\"2026-03-31T14:00:00\"", 1)]
    [InlineData("feeling", "eq", "\"sad\"", 1)]
    [InlineData("feeling", "in", "[\"sad\", \"happy\"]", 2)]
    [InlineData("token", "eq", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"", 1)]
    [InlineData("big", "gt", "\"12345678901234567890.123456788\"", 1)]
    [InlineData("doc", "contains", "\"[1, 2]\"", 1)]
    [InlineData("odd`name", "eq", "\"O'Brien \\\\ slash\"", 1)]
    [InlineData("odd`name", "contains", "\"'BRIEN \\\\\"", 1)]
    [InlineData("odd`name", "contains", "\"\\\\'\"", 0)]
    public async Task Query_FiltersOnAwkwardTypes_BindTypedParameters(string column, string op, string value, int expected)
    {
        QueryResult result = await Gateway().QueryAsync(new QuerySpec("value_probe", Columns: ["id"], Filters: [new FilterSpec(column, FilterOps.Parse(op), Json.Of(value))]), Ct);

        Assert.Equal(expected, result.RowCount);
    }

    [Theory]
    [InlineData("a'b")]
    [InlineData("a\\'b")]
    [InlineData("a\\\\b\\")]
    [InlineData("' OR '1'='1")]
    [InlineData("\\'; DROP TABLE invoices; -- ")]
    [InlineData("100%_")]
    public async Task DeclaredParameters_RoundTripExactly_WhateverQuotesAndBackslashesTheyHold(string value)
    {
        DeclaredQuery echo = DeclaredQueries.Parse("""
            {"tools":[{"name":"echo","description":"echo","sql":"SELECT :v AS v","inputSchema":{"type":"object","properties":{"v":{"type":"string"}},"required":["v"]}}]}
            """)[0];

        QueryResult result = await Gateway().RunDeclaredAsync(echo, new Dictionary<string, JsonElement> { ["v"] = Json.Value(value) }, Ct);

        Assert.Equal(value, Assert.Single(result.Rows)[0].GetString());
    }

    [Fact]
    public async Task Query_TableWithoutKey_PagesExactlyOnceUsingAllColumns()
    {
        var spec = new QuerySpec("invoice_summary", Columns: ["id", "customer_name"], Filters: [new FilterSpec("country", FilterOp.Eq, Json.Of("\"FR\""))], OrderBy: [new OrderSpec("customer_name")], Limit: 40);
        var ids = new List<long>();
        string? cursor = null;
        do
        {
            QueryResult page = await Gateway().QueryAsync(spec with { Cursor = cursor }, Ct);
            ids.AddRange(page.Rows.Select(r => r[0].GetInt64()));
            cursor = page.Truncation.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(Convert.ToInt64(await backend.ScalarAsync("SELECT count(*) FROM invoice_summary WHERE country = 'FR'"), CultureInfo.InvariantCulture), ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task DatabaseErrors_AreMappedToSafeMessagesWithoutServerText()
    {
        var ex = await Assert.ThrowsAsync<BackendException>(() => Gateway().RunDeclaredAsync(Declared("SELECT * FROM no_such_table_here"), NoArgs, Ct));

        Assert.Equal(BackendErrorKind.Invalid, ex.Kind);
        Assert.Contains("1146", ex.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("no_such_table_here", ex.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("SELECT", ex.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_BadCredentials_NamesTheSettingsToFix_WithoutThePassword()
    {
        backend.RequireAvailable();
        var builder = new MySqlConnectionStringBuilder(backend.ReaderConnectionString!) { Password = "wrong-Secret-42" };
        await using var gateway = new MySqlGateway(new DatabaseOptions(), builder.ConnectionString);

        CheckReport report = await gateway.CheckAsync([], Ct);

        Assert.False(report.Ok);
        string errors = string.Join(" ", report.Errors);
        foreach (string setting in new[] { "DATABASE_URL", "MYSQL_PWD", "MCP_DATABASE__ConnectionString" })
        {
            Assert.Contains(setting, errors, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("wrong-Secret-42", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-Secret-42", report.Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownDatabase_IsUnavailable_NamingTheSetting()
    {
        backend.RequireAvailable();
        var builder = new MySqlConnectionStringBuilder(backend.ReaderConnectionString!) { Database = "no_such_db_" + Guid.NewGuid().ToString("N")[..8] };
        await using var gateway = new MySqlGateway(new DatabaseOptions(), builder.ConnectionString);

        var ex = await Assert.ThrowsAsync<BackendException>(() => gateway.ListTablesAsync(cancellationToken: Ct));

        // The reader has no grant there, so the server may answer "access denied" instead of "unknown database".
        Assert.True(ex.Kind is BackendErrorKind.Unavailable or BackendErrorKind.Forbidden, ex.Kind.ToString());
        Assert.DoesNotContain("no_such_db_", ex.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServer_IsUnavailable_WithoutHostDetails_AndNothingConnectsBeforeFirstUse()
    {
        // Port 9 (discard) on loopback: nothing listens there. Construction alone must not try to connect.
        await using var gateway = new MySqlGateway(new DatabaseOptions(), "Server=127.0.0.1;Port=9;User ID=nobody;Password=pw-Secret;Database=nowhere;Connection Timeout=3");

        var ex = await Assert.ThrowsAsync<BackendException>(() => gateway.ListTablesAsync(cancellationToken: Ct));

        Assert.Equal(BackendErrorKind.Unavailable, ex.Kind);
        Assert.DoesNotContain("127.0.0.1", ex.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("nowhere", ex.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-Secret", ex.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HiddenDatabase_IsInvisibleByDefault_AndVisibleOnlyWhenAllowed_WithDeniedColumnsHidden()
    {
        IDatabaseGateway root = AsRoot(new DatabaseOptions());
        var hidden = await Assert.ThrowsAsync<ToolInputException>(() => root.DescribeTableAsync("hr.employees", Ct));
        Assert.DoesNotContain("ssn", hidden.Message, StringComparison.Ordinal);

        IDatabaseGateway gateway = AsRoot(new DatabaseOptions { AllowedSchemas = [backend.DatabaseName, "hr"], DeniedTables = [$"{backend.DatabaseName}.finance"] });
        TableList tables = await gateway.ListTablesAsync(cancellationToken: Ct);
        TableDescription employees = await gateway.DescribeTableAsync("hr.employees", Ct);

        Assert.Contains(tables.Tables, t => t.QualifiedName == "hr.employees");
        Assert.DoesNotContain(tables.Tables, t => t.Name == "finance");
        Assert.DoesNotContain(employees.Columns, c => c.Name == "ssn");
    }

    [Fact]
    public async Task DescribeTable_ReturnsComments()
    {
        TableDescription invoices = await Gateway().DescribeTableAsync("invoices", Ct);
        TableList list = await Gateway().ListTablesAsync(cancellationToken: Ct);

        Assert.Contains("total is the sum", invoices.Comment, StringComparison.Ordinal);
        Assert.Contains("invoice currency", invoices.Columns.Single(c => c.Name == "total").Comment, StringComparison.Ordinal);
        Assert.NotNull(list.Tables.Single(t => t.Name == "finance").Comment);
        Assert.Null(list.Tables.Single(t => t.Name == "invoice_summary").Comment);
    }

    [Fact]
    public void ConnectionStrings_FromTheFixture_AreLoopbackOnly()
    {
        backend.RequireAvailable();
        var builder = new MySqlConnectionStringBuilder(backend.ReaderConnectionString!);
        Assert.True(builder.Server is "127.0.0.1" or "localhost" || Environment.GetEnvironmentVariable(MariaDbServer.EnvironmentVariable) is not null);
    }
}
