using System.Globalization;
using System.Text.Json;
using McpServers.Database.Backend;
using McpServers.Database.Tests.Backend;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Database.Tests.Server;

/// <summary>
/// Inputs the advertised schemas allow (or clients send anyway) never become internal or backend errors, every
/// advertised schema is one MCP clients accept, and one call cannot make the database do unbounded work.
/// </summary>
public abstract class DatabaseInputHardeningTests<TSource>(TSource source) where TSource : IDatabaseSource
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    private async Task<(InMemoryMcpServer Host, McpClient Client)> StartAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        source.RequireAvailable();
        var settings = new Dictionary<string, string?>(source.Settings);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        InMemoryMcpServer host = DatabaseServerUnderTest.Start(settings);
        return (host, await host.ConnectAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task EveryAdvertisedInputAndOutputSchema_IsTypeObjectAtTheTop_DeclaredToolsIncluded()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: Ct);

        Assert.Contains(tools, t => t.Name == "query_finance_data");
        foreach (McpClientTool tool in tools)
        {
            // MCP (and the TypeScript SDK client, which rejects the whole tools/list otherwise) wants exactly "object".
            Assert.Equal(JsonValueKind.String, tool.ProtocolTool.InputSchema.GetProperty("type").ValueKind);
            Assert.Equal("object", tool.ProtocolTool.InputSchema.GetProperty("type").GetString());
            JsonElement output = Assert.IsType<JsonElement>(tool.ProtocolTool.OutputSchema);
            Assert.True(output.GetProperty("type").ValueKind == JsonValueKind.String, $"{tool.Name}: outputSchema type is {output.GetProperty("type").GetRawText()}");
            Assert.Equal("object", output.GetProperty("type").GetString());
        }

        // A declared tool returns what db_query returns, so it advertises the very same output schema.
        Assert.Equal(
            tools.Single(t => t.Name == "db_query").ProtocolTool.OutputSchema!.Value.GetRawText(),
            tools.Single(t => t.Name == "query_finance_data").ProtocolTool.OutputSchema!.Value.GetRawText());
    }

    [Theory]
    [InlineData("db_query", """{"table":"invoices","filters":[{"column":null,"op":"eq","value":1}]}""")]
    [InlineData("db_query", """{"table":"invoices","filters":[null]}""")]
    [InlineData("db_query", """{"table":"invoices","order_by":[{"column":null}]}""")]
    [InlineData("db_query", """{"table":"invoices","order_by":[null]}""")]
    [InlineData("db_query", """{"table":"invoices","columns":[null]}""")]
    [InlineData("db_aggregate", """{"table":"invoices","metrics":[null]}""")]
    [InlineData("db_aggregate", """{"table":"invoices","metrics":[{"function":"count"}],"group_by":[{"column":null}]}""")]
    [InlineData("db_aggregate", """{"table":"invoices","metrics":[{"function":"count"}],"group_by":[null]}""")]
    [InlineData("db_aggregate", """{"table":"invoices","metrics":[{"function":"count"}],"filters":[{"column":null,"op":"is_null"}]}""")]
    [InlineData("db_aggregate", """{"table":"invoices","metrics":[{"function":"count","as":"n"}],"having":[{"metric":null,"op":"gt","value":1}]}""")]
    [InlineData("db_aggregate", """{"table":"invoices","metrics":[{"function":"count","as":"n"}],"having":[null]}""")]
    [InlineData("db_aggregate", """{"table":"invoices","metrics":[{"function":"count","as":"n"}],"order_by":[{"column":null}]}""")]
    public async Task NullInsideANestedEntry_IsRefusedAsInput_NeverAnInternalError(string tool, string arguments)
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        CallToolResult result = await client.CallToolAsync(tool, Args(arguments), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.DoesNotContain("internal error", Text(result), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(AuditOutcome.Invalid, Assert.Single(host.AuditEvents()).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task HavingOp_AdvertisesExactlyTheOperatorsThatWork()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        Tool aggregate = (await client.ListToolsAsync(cancellationToken: Ct)).Single(t => t.Name == "db_aggregate").ProtocolTool;
        string[] advertised = [.. aggregate.InputSchema.GetProperty("properties").GetProperty("having").GetProperty("items")
            .GetProperty("properties").GetProperty("op").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!)];

        Assert.Equal(["eq", "ne", "lt", "le", "gt", "ge", "between"], advertised);
        foreach (string op in advertised)
        {
            string value = op == "between" ? "[1, 100000]" : "1";
            CallToolResult result = await client.CallToolAsync("db_aggregate", Args($$"""
                {"table":"invoices","metrics":[{"function":"count","as":"n"}],"group_by":[{"column":"status"}],"having":[{"metric":"n","op":"{{op}}","value":{{value}}}]}
                """), cancellationToken: Ct);
            Assert.True(result.IsError != true, $"{op}: {Text(result)}");
        }
    }

    [Fact]
    public async Task NulCharacterInAValue_IsRefusedAsInput()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        CallToolResult eq = await client.CallToolAsync("db_query", Args("""{"table":"customers","filters":[{"column":"name","op":"eq","value":"a\u0000b"}]}"""), cancellationToken: Ct);
        CallToolResult contains = await client.CallToolAsync("db_query", Args("""{"table":"customers","filters":[{"column":"name","op":"contains","value":"a\u0000b"}]}"""), cancellationToken: Ct);
        CallToolResult declared = await client.CallToolAsync("query_finance_data", Args($$"""{"metric":"revenue","period":"{{DemoDatabase.QuarterName(DemoClock.Today)}}","entity":"a\u0000"}"""), cancellationToken: Ct);

        Assert.All([eq, contains, declared], r => Assert.Contains("NUL", Text(r), StringComparison.Ordinal));
        Assert.All(host.AuditEvents(), e => Assert.Equal(AuditOutcome.Invalid, e.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Period_ThisQuarter_IsComputedByTheServer_AndTheResultNamesDatesAndTimeZone()
    {
        var (host, client) = await StartAsync(new Dictionary<string, string?> { ["TimeZone"] = "UTC" });
        await using var _ = host;
        string quarterStart = DemoClock.QuarterStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string quarterEnd = DemoClock.QuarterStart.AddMonths(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        CallToolResult byPeriod = await client.CallToolAsync("db_aggregate", Args("""
            {"table":"invoices","metrics":[{"function":"sum","column":"total","as":"revenue"}],"period":"this_quarter","period_column":"issued_on"}
            """), cancellationToken: Ct);
        CallToolResult byFilters = await client.CallToolAsync("db_aggregate", Args($$"""
            {"table":"invoices","metrics":[{"function":"sum","column":"total","as":"revenue"}],
             "filters":[{"column":"issued_on","op":"ge","value":"{{quarterStart}}"},{"column":"issued_on","op":"lt","value":"{{quarterEnd}}"}]}
            """), cancellationToken: Ct);

        Assert.True(byPeriod.IsError != true, Text(byPeriod));
        Assert.Equal(byFilters.StructuredContent!.Value.GetProperty("rows").GetRawText(), byPeriod.StructuredContent!.Value.GetProperty("rows").GetRawText());
        string period = byPeriod.StructuredContent!.Value.GetProperty("period").GetString()!;
        Assert.Contains(DemoDatabase.QuarterName(DemoClock.Today), period, StringComparison.Ordinal);
        Assert.Contains(quarterStart, period, StringComparison.Ordinal);
        Assert.Contains("UTC", period, StringComparison.Ordinal);
        Assert.Contains(period, Text(byPeriod), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Period_WithoutAColumn_NeedsOneWhenTheTableHasSeveralDates()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        CallToolResult result = await client.CallToolAsync("db_aggregate", Args("""
            {"table":"invoices","metrics":[{"function":"count"}],"period":"last_month"}
            """), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("period_column", Text(result), StringComparison.Ordinal);
        Assert.Contains("issued_on", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AggregateDescriptionExample_RunsOnTheDemoDatabase()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        string description = (await client.ListToolsAsync(cancellationToken: Ct)).Single(t => t.Name == "db_aggregate").Description!;

        Assert.Contains("column: total", description, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-", description.Split("Example", 2)[1], StringComparison.Ordinal);
        CallToolResult result = await client.CallToolAsync("db_aggregate", Args("""
            {"table":"invoices","metrics":[{"function":"sum","column":"total","as":"revenue"}],"group_by":[{"column":"customer.name"}],
             "period":"this_quarter","period_column":"issued_on","order_by":[{"column":"revenue","direction":"desc"}],"limit":10}
            """), cancellationToken: Ct);

        Assert.True(result.IsError != true, Text(result));
        Assert.Equal(10, result.StructuredContent!.Value.GetProperty("row_count").GetInt32());
    }

    [Fact]
    public async Task ExactlyTheLimit_IsNotTruncated_AndOneMoreIs()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        CallToolResult exact = await client.CallToolAsync("db_query", Args($$"""{"table":"customers","columns":["id"],"limit":{{DemoDatabase.CustomerCount}}}"""), cancellationToken: Ct);
        CallToolResult groups = await client.CallToolAsync("db_aggregate", Args($$"""{"table":"customers","metrics":[{"function":"count"}],"group_by":[{"column":"id"}],"limit":{{DemoDatabase.CustomerCount}}}"""), cancellationToken: Ct);
        CallToolResult less = await client.CallToolAsync("db_query", Args($$"""{"table":"customers","columns":["id"],"limit":{{DemoDatabase.CustomerCount - 1}}}"""), cancellationToken: Ct);

        foreach (CallToolResult complete in new[] { exact, groups })
        {
            Assert.False(complete.StructuredContent!.Value.GetProperty("truncated").GetBoolean());
            Assert.Equal(JsonValueKind.Null, complete.StructuredContent!.Value.GetProperty("next_cursor").ValueKind);
            Assert.DoesNotContain("Truncated", Text(complete), StringComparison.Ordinal);
        }

        Assert.True(less.StructuredContent!.Value.GetProperty("truncated").GetBoolean());
    }
}

public sealed class SqliteDatabaseInputHardeningTests(SqliteDemoSource source) : DatabaseInputHardeningTests<SqliteDemoSource>(source), IClassFixture<SqliteDemoSource>;

public sealed class PostgresDatabaseInputHardeningTests(PostgresDemoSource source) : DatabaseInputHardeningTests<PostgresDemoSource>(source), IClassFixture<PostgresDemoSource>;

/// <summary>
/// Issue 9's heavy calls against PostgreSQL: the caps in the advertised schema (and in code) refuse them as input, so
/// none reaches the database; what the caps allow is bounded by the cost gate and the statement timeout.
/// Run once, on PostgreSQL only: the refusal happens before any backend, and the payloads are large (about 40 MB of
/// arguments), so the class runs alone rather than beside other tests.
/// </summary>
[Collection(nameof(HeavyCalls))]
public sealed class PostgresHeavyCallTests(PostgresDemoSource source) : IClassFixture<PostgresDemoSource>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    [Fact]
    public async Task HeavyContainsFilters_AreRefusedByTheAdvertisedCaps_BeforeTheDatabase()
    {
        source.RequireAvailable();
        InMemoryMcpServer host = DatabaseServerUnderTest.Start(source.Settings);
        McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        await using var _ = host;
        string Filters(int count, int chars) => "[" + string.Join(",", Enumerable.Range(0, count)
            .Select(i => $$"""{"column":"invoice_number","op":"contains","value":"{{new string((char)('a' + (i % 26)), chars)}}"}""")) + "]";

        // The issue's two heavy cases: 36 concurrent calls with fifty 20 KB values each, and one with fifty 100 KB values.
        Task<CallToolResult>[] concurrent = [.. Enumerable.Range(0, 36).Select(_ => client.CallToolAsync("db_query",
            Args($$"""{"table":"invoices","filters":{{Filters(50, 20_000)}}}"""), cancellationToken: Ct).AsTask())];
        CallToolResult[] results = await Task.WhenAll(concurrent);
        CallToolResult single = await client.CallToolAsync("db_query", Args($$"""{"table":"invoices","filters":{{Filters(50, 100_000)}}}"""), cancellationToken: Ct);
        // Within the filter count, a value beyond the pattern cap (and SQLite's LIKE pattern limit) is refused too.
        CallToolResult longPattern = await client.CallToolAsync("db_query", Args($$"""{"table":"invoices","filters":{{Filters(1, 60_000)}}}"""), cancellationToken: Ct);

        Assert.All(results.Append(single).Append(longPattern), r => Assert.True(r.IsError));
        Assert.Contains("at most 200 characters", Text(longPattern), StringComparison.Ordinal);
        Assert.All(host.AuditEvents(), e => Assert.Equal(AuditOutcome.Invalid, e.GetProperty("outcome").GetString()));
        Assert.Equal(38, host.AuditEvents().Count);
    }

    [Fact]
    public async Task TheLargestCallTheCapsAllow_MeetsTheCostGate()
    {
        source.RequireAvailable();
        var settings = new Dictionary<string, string?>(source.Settings) { ["MaxQueryCost"] = "1" };
        InMemoryMcpServer host = DatabaseServerUnderTest.Start(settings);
        await using var _ = host;
        McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        string filters = "[" + string.Join(",", Enumerable.Range(0, 20)
            .Select(i => $$"""{"column":"invoice_number","op":"contains","value":"{{new string((char)('a' + i), 200)}}"}""")) + "]";

        CallToolResult result = await client.CallToolAsync("db_query", Args($$"""{"table":"invoices","filters":{{filters}}}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("too expensive", Text(result), StringComparison.Ordinal);
        Assert.Equal(AuditOutcome.BackendError, Assert.Single(host.AuditEvents()).GetProperty("outcome").GetString());
    }
}

[CollectionDefinition(nameof(HeavyCalls), DisableParallelization = true)]
public sealed class HeavyCalls;
