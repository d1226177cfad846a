using System.Globalization;
using System.Text.Json;
using McpServers.Database.Backend;
using McpServers.Database.Tests.Backend;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Validation;
using McpServers.Testing.Hosting;
using McpServers.Testing.MariaDb;
using McpServers.Testing.Postgres;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Database.Tests.Server;

/// <summary>Where the server under test gets its data: the SQLite demo, or PostgreSQL with the same demo data.</summary>
public interface IDatabaseSource
{
    IReadOnlyDictionary<string, string?> Settings { get; }

    void RequireAvailable();
}

public sealed class SqliteDemoSource : IDatabaseSource
{
    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Demo"] = "true",
        ["DeclaredToolsFile"] = DatabaseServerUnderTest.DeclaredToolsFile,
    };

    public void RequireAvailable()
    {
    }
}

public sealed class MariaDbDemoSource(MariaDbServer server) : MariaDbDemoBackend(server), IDatabaseSource
{
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionString"] = ReaderConnectionString,
        ["Provider"] = "mariadb",
        ["DeclaredToolsFile"] = DatabaseServerUnderTest.DeclaredToolsFile,
    };
}

public sealed class PostgresDemoSource(PostgresServer server) : PostgresDemoBackend(server), IDatabaseSource
{
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionString"] = ReaderConnectionString,
        ["DeclaredToolsFile"] = DatabaseServerUnderTest.DeclaredToolsFile,
    };
}

/// <summary>The tools through a real MCP client and the shared pipeline, on both backends.</summary>
public abstract class DatabaseToolTests<TSource>(TSource source) where TSource : IDatabaseSource
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private async Task<(InMemoryMcpServer Host, McpClient Client)> StartAsync()
    {
        source.RequireAvailable();
        InMemoryMcpServer host = DatabaseServerUnderTest.Start(source.Settings);
        return (host, await host.ConnectAsync(cancellationToken: Ct));
    }

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    [Fact]
    public async Task TopCustomersByRevenueThisQuarter_IsOneCall()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        string quarterStart = DemoClock.QuarterStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        CallToolResult result = await client.CallToolAsync("db_aggregate", Args($$"""
            {"table":"invoices","metrics":[{"function":"sum","column":"total","as":"revenue"}],
             "group_by":[{"column":"customer.name"}],"filters":[{"column":"issued_on","op":"ge","value":"{{quarterStart}}"}],
             "order_by":[{"column":"revenue","direction":"desc"}],"limit":10}
            """), cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        JsonElement structured = result.StructuredContent!.Value;
        Assert.Equal(10, structured.GetProperty("row_count").GetInt32());
        decimal[] revenue = [.. structured.GetProperty("rows").EnumerateArray().Select(r => decimal.Parse(r[1].ToString(), CultureInfo.InvariantCulture))];
        Assert.Equal(revenue.OrderByDescending(v => v), revenue);
        Assert.Contains("customer.name | revenue", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeclaredFinanceTool_AnswersAndIsValidatedBeforeTheDatabase()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        string period = DemoDatabase.QuarterName(DemoClock.Today);

        CallToolResult ok = await client.CallToolAsync("query_finance_data", Args($$"""{"metric":"revenue","period":"{{period}}"}"""), cancellationToken: Ct);
        CallToolResult badPeriod = await client.CallToolAsync("query_finance_data", Args("""{"metric":"revenue","period":"2026-Q5"}"""), cancellationToken: Ct);
        CallToolResult badMetric = await client.CallToolAsync("query_finance_data", Args($$"""{"metric":"salaries","period":"{{period}}"}"""), cancellationToken: Ct);

        Assert.NotEqual(true, ok.IsError);
        Assert.Equal(DemoDatabase.Entities.Count, ok.StructuredContent!.Value.GetProperty("row_count").GetInt32());
        Assert.Contains("`period` must match the pattern", Text(badPeriod), StringComparison.Ordinal);
        Assert.Contains("`metric` must be one of: revenue, opex, headcount, ebitda", Text(badMetric), StringComparison.Ordinal);
        Assert.Equal([AuditOutcome.Ok, AuditOutcome.Invalid, AuditOutcome.Invalid], host.AuditEvents().Select(e => e.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Paging_FollowingNextCursor_ReturnsEveryRowExactlyOnce()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var ids = new List<long>();
        string? cursor = null;
        int pages = 0;
        do
        {
            string cursorArg = cursor is null ? string.Empty : $",\"cursor\":\"{cursor}\"";
            CallToolResult page = await client.CallToolAsync("db_query", Args($$"""{"table":"customers","columns":["id"],"order_by":[{"column":"name"}],"limit":70{{cursorArg}}}"""), cancellationToken: Ct);
            Assert.NotEqual(true, page.IsError);
            JsonElement s = page.StructuredContent!.Value;
            ids.AddRange(s.GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt64()));
            cursor = s.GetProperty("next_cursor").GetString();
            Assert.Equal(cursor is not null, s.GetProperty("truncated").GetBoolean());
        }
        while (cursor is not null && ++pages < 20);

        Assert.Equal(DemoDatabase.CustomerCount, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task HrSchema_IsInvisibleAndUnreachable()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        CallToolResult tables = await client.CallToolAsync("db_list_tables", cancellationToken: Ct);
        CallToolResult query = await client.CallToolAsync("db_query", Args("""{"table":"hr.employees"}"""), cancellationToken: Ct);

        Assert.DoesNotContain("hr.", Text(tables), StringComparison.Ordinal);
        Assert.True(query.IsError);
        Assert.Contains("does not exist or is not visible", Text(query), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StructuredContent_ConformsToTheAdvertisedOutputSchema()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        Dictionary<string, Tool> tools = (await client.ListToolsAsync(cancellationToken: Ct)).ToDictionary(t => t.Name, t => t.ProtocolTool);
        (string Tool, string Args)[] calls =
        [
            ("db_list_tables", "{}"),
            ("db_describe_table", """{"table":"invoices"}"""),
            ("db_query", """{"table":"invoices","columns":["id","total","issued_on","customer.name"],"limit":5}"""),
            ("db_aggregate", """{"table":"invoices","metrics":[{"function":"count"}],"group_by":[{"column":"issued_on","bucket":"quarter"}]}"""),
            ("query_finance_data", $$"""{"metric":"opex","period":"{{DemoDatabase.QuarterName(DemoClock.Today)}}"}"""),
        ];

        foreach ((string tool, string args) in calls)
        {
            CallToolResult result = await client.CallToolAsync(tool, Args(args), cancellationToken: Ct);
            Assert.NotEqual(true, result.IsError);
            JsonSchemaValidator schema = JsonSchemaValidator.Compile(tools[tool].OutputSchema!.Value);
            IReadOnlyList<SchemaError> errors = schema.Validate(result.StructuredContent!.Value);
            Assert.True(errors.Count == 0, $"{tool}: {JsonSchemaValidator.Describe(errors)}");
        }
    }

    [Fact]
    public async Task BadInput_GetsAnInstructionNotAnInternalError()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        CallToolResult unknownColumn = await client.CallToolAsync("db_query", Args("""{"table":"invoices","columns":["amount"]}"""), cancellationToken: Ct);
        CallToolResult badOp = await client.CallToolAsync("db_query", Args("""{"table":"invoices","filters":[{"column":"total","op":"like","value":"1"}]}"""), cancellationToken: Ct);
        CallToolResult badValue = await client.CallToolAsync("db_query", Args("""{"table":"invoices","filters":[{"column":"total","op":"gt","value":"lots"}]}"""), cancellationToken: Ct);
        CallToolResult typo = await client.CallToolAsync("db_query", Args("""{"table":"invoices","filters":[{"colum":"total","op":"gt","value":1}]}"""), cancellationToken: Ct);

        Assert.Contains("total", Text(unknownColumn), StringComparison.Ordinal);
        Assert.Contains("`filters[0].op` must be one of", Text(badOp), StringComparison.Ordinal);
        Assert.Contains("total", Text(badValue), StringComparison.Ordinal);
        Assert.Contains("colum", Text(typo), StringComparison.Ordinal);
        Assert.All(host.AuditEvents(), e => Assert.Equal(AuditOutcome.Invalid, e.GetProperty("outcome").GetString()));
    }
}

public sealed class SqliteDatabaseToolTests(SqliteDemoSource source) : DatabaseToolTests<SqliteDemoSource>(source), IClassFixture<SqliteDemoSource>;

public sealed class PostgresDatabaseToolTests(PostgresDemoSource source) : DatabaseToolTests<PostgresDemoSource>(source), IClassFixture<PostgresDemoSource>;

public sealed class DatabaseStartupTests
{
    [Fact]
    public void DeclaredToolThatWrites_IsRefusedAtStart()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("mcp-db-").FullName, "tools.json");
        File.WriteAllText(file, """{"tools":[{"name":"wipe","description":"oops","sql":"DELETE FROM invoices","inputSchema":{"type":"object"}}]}""");

        var error = Assert.Throws<ConfigurationException>(() =>
            DatabaseServerUnderTest.Start(new Dictionary<string, string?> { ["Demo"] = "true", ["DeclaredToolsFile"] = file }));

        Assert.Contains("wipe", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RequireReadOnlyRole_IsNotTrippedByWarningsAboutOtherThings()
    {
        var options = new McpServers.Database.Options.DatabaseOptions { Demo = true, RequireReadOnlyRole = true, DeniedTables = ["*"] };
        await using IDatabaseGateway gateway = DatabaseGatewayFactory.Create(options, timeProvider: DemoClock.Provider);

        CheckReport report = await gateway.CheckAsync([], TestContext.Current.CancellationToken);

        Assert.True(report.Ok, string.Join(" ", report.Errors));
        Assert.Contains(report.Warnings, w => w.Contains("No tables are visible", StringComparison.Ordinal));
    }

    [Fact]
    public void NoDatabaseConfigured_IsAConfigurationErrorNamingTheSettings()
    {
        var error = Assert.Throws<ConfigurationException>(() => DatabaseServerUnderTest.Start(new Dictionary<string, string?>()));

        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("--demo", error.Message, StringComparison.Ordinal);
    }
}

public sealed class MariaDbDatabaseToolTests(MariaDbDemoSource source) : DatabaseToolTests<MariaDbDemoSource>(source), IClassFixture<MariaDbDemoSource>;
