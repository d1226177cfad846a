using System.Globalization;
using System.Text.Json;
using McpServers.Database.Backend;
using McpServers.Database.Options;
using McpServers.Shared.Errors;

namespace McpServers.Database.Tests.Backend;

/// <summary>
/// The safety envelope every server backend keeps (READ ONLY transactions, timeouts, cancellation, the cost gate,
/// privileges, value fidelity, safe errors), run against each one's safety fixture (see the derived classes). The
/// virtual members name only what really differs: how to sleep, which account may write, the vendor's error codes.
/// </summary>
public abstract class SafetyContractTests<TBackend>(TBackend backend) : BackendTests<TBackend>(backend)
    where TBackend : DemoBackend
{
    protected static readonly IReadOnlyDictionary<string, JsonElement> NoArgs = new Dictionary<string, JsonElement>();

    protected static DeclaredQuery Declared(string sql) => DemoTools.Probe(sql);

    protected IDatabaseGateway Gateway(DatabaseOptions? options = null)
    {
        Backend.RequireAvailable();
        return options is null ? Backend.Gateway : Backend.Create(options);
    }

    /// <summary>A statement that sleeps <paramref name="seconds"/> seconds and returns one row.</summary>
    protected abstract string SleepSql(int seconds);

    /// <summary>How long the statement-timeout test sleeps (the timeout is 1 s).</summary>
    protected abstract int SlowStatementSeconds { get; }

    /// <summary>Called after a cancelled <c>SleepSql(30)</c>: proves what the backend can see of the statement's end.</summary>
    protected virtual Task AssertCancelledStatementStoppedAsync() => Task.CompletedTask;

    /// <summary>What the cost-gate refusal says besides "add filters".</summary>
    protected abstract string CostRefusalDetail { get; }

    /// <summary>A gateway over a superuser (disposed with the fixture): only the read-only transaction keeps it from writing.</summary>
    protected abstract IDatabaseGateway CreateSuperuser(DatabaseOptions options);

    /// <summary>A gateway over an account with write privileges on the demo tables (disposed with the fixture).</summary>
    protected abstract Task<IDatabaseGateway> CreateWritableAsync(DatabaseOptions options);

    /// <summary>What the backend calls the account the refusal asks for ("user", "role").</summary>
    protected abstract string AccountWord { get; }

    /// <summary>What --check reports as the reader's target (no credentials).</summary>
    protected abstract string ExpectedReaderTarget { get; }

    /// <summary>The <c>stamp</c> (timestamp with time zone) value of the first probe row as rendered.</summary>
    protected abstract string ExpectedStamp { get; }

    /// <summary>Assertions on probe columns only this backend has.</summary>
    protected virtual void AssertBackendOnlyValues(QueryResult result)
    {
    }

    /// <summary>A statement that fails on the server, the vendor code the safe message keeps, and server text it must drop.</summary>
    protected abstract (string Sql, string Code, string ServerText) FailingStatement { get; }

    /// <summary>A gateway over a connection string (disposed by the caller).</summary>
    protected abstract IDatabaseGateway CreateUnmanaged(string connectionString);

    /// <summary>A loopback connection string to port 9 (nothing listens) with database <c>nowhere</c> and password <c>pw-Secret</c>.</summary>
    protected abstract string UnreachableConnectionString { get; }

    /// <summary>The host of the fixture's reader connection string.</summary>
    protected abstract string? ReaderHost { get; }

    /// <summary>The variable that points the tests at an external server instead of a local one.</summary>
    protected abstract string ExternalServerVariable { get; }

    protected static JsonElement Cell(QueryResult result, int row, string name) =>
        result.Rows[row][result.Columns.Select(c => c.Name).ToList().IndexOf(name)];

    [Fact]
    public async Task RunDeclared_SlowStatement_StopsAtStatementTimeout()
    {
        IDatabaseGateway gateway = Gateway(new DatabaseOptions { StatementTimeout = TimeSpan.FromSeconds(1), LockTimeout = TimeSpan.FromSeconds(1) });

        var ex = await Assert.ThrowsAsync<BackendException>(() => gateway.RunDeclaredAsync(Declared(SleepSql(SlowStatementSeconds)), NoArgs, Ct));

        Assert.Equal(BackendErrorKind.TimedOut, ex.Kind);
        Assert.Contains("1 s statement timeout", ex.SafeMessage, StringComparison.Ordinal);
        Assert.Contains("filter", ex.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunDeclared_Cancelled_IsReportedAsCancelled_AndTheGatewayStaysUsable()
    {
        IDatabaseGateway gateway = Gateway(new DatabaseOptions());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gateway.RunDeclaredAsync(Declared(SleepSql(30)), NoArgs, cts.Token));

        await AssertCancelledStatementStoppedAsync();
        QueryResult after = await gateway.QueryAsync(new QuerySpec("products", Columns: ["id"], Limit: 3), Ct);
        Assert.Equal(3, after.RowCount);
    }

    [Fact]
    public async Task RunDeclared_CrossJoin_IsRefusedByTheCostGate()
    {
        var ex = await Assert.ThrowsAsync<BackendException>(() => Gateway().RunDeclaredAsync(
            Declared("SELECT count(*) AS n FROM invoice_lines a CROSS JOIN invoice_lines b CROSS JOIN invoices c"), NoArgs, Ct));

        Assert.Equal(BackendErrorKind.TooExpensive, ex.Kind);
        Assert.Contains("add filters", ex.SafeMessage, StringComparison.Ordinal);
        Assert.Contains(CostRefusalDetail, ex.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aggregate_OverTheCostLimit_IsRefusedBeforeRunning()
    {
        IDatabaseGateway gateway = Gateway(new DatabaseOptions { MaxQueryCost = 10 });

        var ex = await Assert.ThrowsAsync<BackendException>(() => gateway.AggregateAsync(new AggregateSpec(
            "invoice_lines", [new MetricSpec(MetricFunction.Sum, "line_total")], GroupBy: [new GroupSpec("invoice.customer.name")]), Ct));

        Assert.Equal(BackendErrorKind.TooExpensive, ex.Kind);
    }

    /// <summary>
    /// The body of each backend's hidden-write theory: run as a superuser, the statement fails because the transaction is
    /// read-only, and nothing reached <c>write_probe</c> (each backend checks its sequence itself).
    /// </summary>
    protected async Task AssertHiddenWriteFailsAsync(string sql)
    {
        IDatabaseGateway superuser = CreateSuperuser(new DatabaseOptions());

        var ex = await Assert.ThrowsAsync<BackendException>(() => superuser.RunDeclaredAsync(Declared(sql), NoArgs, Ct));

        Assert.Equal(BackendErrorKind.Forbidden, ex.Kind);
        Assert.Contains("read-only", ex.SafeMessage, StringComparison.Ordinal);
        Assert.Equal(0L, Convert.ToInt64(await Backend.ScalarAsync("SELECT count(*) FROM write_probe"), CultureInfo.InvariantCulture));
    }

    /// <summary>The body of each backend's sneaked-write theory: the statement fails and the demo data is unchanged.</summary>
    protected async Task AssertSneakedWriteFailsAndChangesNothingAsync(string sql)
    {
        IDatabaseGateway superuser = CreateSuperuser(new DatabaseOptions());
        string before = await Backend.FingerprintAsync();
        var sneaked = new DeclaredQuery("sneaked", "d", sql, Json.Of("""{"type":"object"}"""), [], null) { Segments = [(sql, null)] };

        await Assert.ThrowsAsync<BackendException>(() => superuser.RunDeclaredAsync(sneaked, NoArgs, Ct));

        Assert.Equal(before, await Backend.FingerprintAsync());
    }

    [Fact]
    public async Task RequireReadOnlyRole_RefusesToServeWithAWritableAccount()
    {
        IDatabaseGateway writable = await CreateWritableAsync(new DatabaseOptions { RequireReadOnlyRole = true });

        var ex = await Assert.ThrowsAsync<BackendException>(() => writable.QueryAsync(new QuerySpec("products"), Ct));

        Assert.Equal(BackendErrorKind.Forbidden, ex.Kind);
        Assert.Contains($"read-only database {AccountWord}", ex.SafeMessage, StringComparison.Ordinal);
        QueryResult ok = await Gateway(new DatabaseOptions { RequireReadOnlyRole = true }).QueryAsync(new QuerySpec("products", Limit: 1), Ct);
        Assert.Equal(1, ok.RowCount);
    }

    [Fact]
    public async Task Check_ReadOnlyAccount_HasNoWarnings_AndPreparesDeclaredQueries()
    {
        CheckReport report = await Gateway().CheckAsync([DemoTools.Finance], Ct);

        Assert.True(report.Ok, string.Join("; ", report.Errors));
        Assert.Empty(report.Warnings);
        Assert.True(Assert.Single(report.DeclaredQueries).Ok);
        Assert.Equal(ExpectedReaderTarget, report.Target);
        Assert.DoesNotContain("password", report.Target, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Query_ValuesKeepPrecision_AndTypesAreRenderedSafely()
    {
        QueryResult result = await Gateway().QueryAsync(new QuerySpec("value_probe", OrderBy: [new OrderSpec("id")]), Ct);

        Assert.Equal("12345678901234567890.1234567890", Cell(result, 0, "big").GetString());
        Assert.Equal("1152921504606846976", Cell(result, 0, "huge").GetString());
        Assert.Equal("123.45", Cell(result, 0, "small").GetRawText());
        Assert.Equal(0.1, Cell(result, 0, "ratio").GetDouble());
        Assert.Equal("<binary, 3 bytes>", Cell(result, 0, "blob").GetString());
        Assert.Equal(ExpectedStamp, Cell(result, 0, "stamp").GetString());
        Assert.Equal("2026-03-31T14:00:00.5", Cell(result, 0, "local_stamp").GetString());
        Assert.Equal("2026-03-31", Cell(result, 0, "day").GetString());
        Assert.Equal("{\"a\": [1, 2]}", Cell(result, 0, "doc").GetString());
        Assert.Equal("happy", Cell(result, 0, "feeling").GetString());
        Assert.Equal("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", Cell(result, 0, "token").GetString());
        AssertBackendOnlyValues(result);
    }

    [Theory]
    [InlineData("stamp", "eq", "\"2026-03-31T16:00:00+02:00\"", 1)]
    [InlineData("local_stamp", "gt", "\"2026-03-31T14:00:00\"", 1)]
    [InlineData("feeling", "eq", "\"sad\"", 1)]
    [InlineData("feeling", "in", "[\"sad\", \"happy\"]", 2)]
    [InlineData("token", "eq", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"", 1)]
    [InlineData("big", "gt", "\"12345678901234567890.123456788\"", 1)]
    [InlineData("doc", "contains", "\"[1, 2]\"", 1)]
    public async Task Query_FiltersOnAwkwardTypes_BindTypedParameters(string column, string op, string value, int expected)
    {
        QueryResult result = await Gateway().QueryAsync(new QuerySpec("value_probe", Columns: ["id"], Filters: [new FilterSpec(column, FilterOps.Parse(op), Json.Of(value))]), Ct);

        Assert.Equal(expected, result.RowCount);
    }

    [Fact]
    public async Task Query_ViewWithoutKey_PagesExactlyOnceUsingAllColumns()
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

        Assert.Equal(Convert.ToInt64(await Backend.ScalarAsync("SELECT count(*) FROM invoice_summary WHERE country = 'FR'"), CultureInfo.InvariantCulture), ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task DatabaseErrors_AreMappedToSafeMessagesWithoutServerText()
    {
        (string sql, string code, string serverText) = FailingStatement;

        var ex = await Assert.ThrowsAsync<BackendException>(() => Gateway().RunDeclaredAsync(Declared(sql), NoArgs, Ct));

        Assert.Equal(BackendErrorKind.Invalid, ex.Kind);
        Assert.Contains(code, ex.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(serverText, ex.SafeMessage, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SELECT", ex.SafeMessage, StringComparison.Ordinal);
    }

    /// <summary>Checks over <paramref name="connectionString"/> and asserts the errors name every setting that fixes it.</summary>
    protected async Task<(CheckReport Report, string Errors)> CheckNamesSettingsAsync(string connectionString, params string[] settings)
    {
        await using IDatabaseGateway gateway = CreateUnmanaged(connectionString);

        CheckReport report = await gateway.CheckAsync([], Ct);

        Assert.False(report.Ok);
        string errors = string.Join(" ", report.Errors);
        foreach (string setting in settings.Prepend("DATABASE_URL").Append("MCP_DATABASE__ConnectionString"))
        {
            Assert.Contains(setting, errors, StringComparison.Ordinal);
        }

        return (report, errors);
    }

    [Fact]
    public async Task UnreachableServer_IsUnavailable_WithoutHostDetails_AndNothingConnectsBeforeFirstUse()
    {
        // Port 9 (discard) on loopback: nothing listens there. Construction alone must not try to connect.
        await using IDatabaseGateway gateway = CreateUnmanaged(UnreachableConnectionString);

        var ex = await Assert.ThrowsAsync<BackendException>(() => gateway.ListTablesAsync(cancellationToken: Ct));

        Assert.Equal(BackendErrorKind.Unavailable, ex.Kind);
        Assert.DoesNotContain("127.0.0.1", ex.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("nowhere", ex.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-Secret", ex.SafeMessage, StringComparison.Ordinal);
    }

    /// <summary>With hr allowed and finance denied, hr.employees is listed and described without its denied column.</summary>
    protected static async Task AssertHrVisibleWithoutDeniedAsync(IDatabaseGateway gateway)
    {
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
        Backend.RequireAvailable();
        Assert.True(ReaderHost is "127.0.0.1" or "localhost" || Environment.GetEnvironmentVariable(ExternalServerVariable) is not null);
    }
}
