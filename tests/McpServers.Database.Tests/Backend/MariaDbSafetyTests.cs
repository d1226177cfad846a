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

/// <summary>MariaDB guarantees beyond <see cref="SafetyContractTests{TBackend}"/>: root and writer warnings, quoting, hidden databases.</summary>
public sealed class MariaDbSafetyTests(MariaDbSafetyBackend backend) : SafetyContractTests<MariaDbSafetyBackend>(backend), IClassFixture<MariaDbSafetyBackend>
{
    private IDatabaseGateway AsRoot(DatabaseOptions options)
    {
        Backend.RequireAvailable();
        return Backend.Create(options, new MySqlConnectionStringBuilder(Backend.Server.ConnectionString(Backend.DatabaseName)) { Pooling = true }.ConnectionString);
    }

    protected override string SleepSql(int seconds) => $"SELECT SLEEP({seconds}) AS slept";

    protected override int SlowStatementSeconds => 5;

    protected override string CostRefusalDetail => "estimated rows examined";

    // Root may write anything: only the read-only transaction stands between a statement and a write.
    protected override IDatabaseGateway CreateSuperuser(DatabaseOptions options) => AsRoot(options);

    protected override Task<IDatabaseGateway> CreateWritableAsync(DatabaseOptions options) => Backend.CreateAsWriterAsync(options);

    protected override string AccountWord => "user";

    protected override string ExpectedReaderTarget => $"mysql:127.0.0.1/{Backend.DatabaseName}";

    protected override string ExpectedStamp => "2026-03-31T14:00:00";

    protected override void AssertBackendOnlyValues(QueryResult result) =>
        Assert.Equal("O'Brien \\ slash", Cell(result, 1, "odd`name").GetString());

    protected override (string Sql, string Code, string ServerText) FailingStatement =>
        ("SELECT * FROM no_such_table_here", "1146", "no_such_table_here");

    protected override IDatabaseGateway CreateUnmanaged(string connectionString) => new MySqlGateway(new DatabaseOptions(), connectionString);

    protected override string UnreachableConnectionString => "Server=127.0.0.1;Port=9;User ID=nobody;Password=pw-Secret;Database=nowhere;Connection Timeout=3";

    protected override string? ReaderHost => new MySqlConnectionStringBuilder(Backend.ReaderConnectionString!).Server;

    protected override string ExternalServerVariable => MariaDbServer.EnvironmentVariable;

    [Theory]
    [InlineData("SELECT sneaky_write() AS id")]
    [InlineData("SELECT NEXTVAL(probe_seq) AS n")]
    public async Task RunDeclared_WriteHiddenInAFunction_FailsBecauseTheTransactionIsReadOnly(string sql)
    {
        object? sequenceBefore = await Backend.ScalarAsync("SELECT next_not_cached_value FROM probe_seq");

        await AssertHiddenWriteFailsAsync(sql);

        Assert.Equal(sequenceBefore, await Backend.ScalarAsync("SELECT next_not_cached_value FROM probe_seq"));
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
        await AssertSneakedWriteFailsAndChangesNothingAsync(sql);

        Assert.Equal(0L, Convert.ToInt64(await Backend.ScalarAsync("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'sneaked'"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Check_WritableUser_WarnsAboutWritePrivileges()
    {
        IDatabaseGateway writer = await Backend.CreateAsWriterAsync(new DatabaseOptions());

        CheckReport report = await writer.CheckAsync([], Ct);

        Assert.StartsWith("MariaDB ", report.Backend, StringComparison.Ordinal);
        Assert.Contains(report.Warnings, w => w.Contains("INSERT", StringComparison.Ordinal) && w.Contains(Backend.DatabaseName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_Root_WarnsAboutSuper()
    {
        CheckReport report = await AsRoot(new DatabaseOptions()).CheckAsync([], Ct);

        Assert.Contains(report.Warnings, w => w.Contains("SUPER", StringComparison.Ordinal));
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

    [Theory]
    [InlineData("odd`name", "eq", "\"O'Brien \\\\ slash\"", 1)]
    [InlineData("odd`name", "contains", "\"'BRIEN \\\\\"", 1)]
    [InlineData("odd`name", "contains", "\"\\\\'\"", 0)]
    public Task Query_FiltersOnAQuotedName_BindTypedParameters(string column, string op, string value, int expected) =>
        Query_FiltersOnAwkwardTypes_BindTypedParameters(column, op, value, expected);

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
    public async Task Check_BadCredentials_NamesTheSettingsToFix_WithoutThePassword()
    {
        Backend.RequireAvailable();
        var builder = new MySqlConnectionStringBuilder(Backend.ReaderConnectionString!) { Password = "wrong-Secret-42" };

        (CheckReport report, string errors) = await CheckNamesSettingsAsync(builder.ConnectionString, "MYSQL_PWD");

        Assert.DoesNotContain("wrong-Secret-42", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-Secret-42", report.Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownDatabase_IsUnavailable_NamingTheSetting()
    {
        Backend.RequireAvailable();
        var builder = new MySqlConnectionStringBuilder(Backend.ReaderConnectionString!) { Database = "no_such_db_" + Guid.NewGuid().ToString("N")[..8] };
        await using var gateway = new MySqlGateway(new DatabaseOptions(), builder.ConnectionString);

        var ex = await Assert.ThrowsAsync<BackendException>(() => gateway.ListTablesAsync(cancellationToken: Ct));

        // The reader has no grant there, so the server may answer "access denied" instead of "unknown database".
        Assert.True(ex.Kind is BackendErrorKind.Unavailable or BackendErrorKind.Forbidden, ex.Kind.ToString());
        Assert.DoesNotContain("no_such_db_", ex.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HiddenDatabase_IsInvisibleByDefault_AndVisibleOnlyWhenAllowed_WithDeniedColumnsHidden()
    {
        IDatabaseGateway root = AsRoot(new DatabaseOptions());
        var hidden = await Assert.ThrowsAsync<ToolInputException>(() => root.DescribeTableAsync("hr.employees", Ct));
        Assert.DoesNotContain("ssn", hidden.Message, StringComparison.Ordinal);

        await AssertHrVisibleWithoutDeniedAsync(AsRoot(new DatabaseOptions { AllowedSchemas = [Backend.DatabaseName, "hr"], DeniedTables = [$"{Backend.DatabaseName}.finance"] }));
    }
}
