using System.Text.Json.Nodes;
using McpServers.Testing.Conformance;
using McpServers.Testing.Hosting;

namespace McpServers.Database.Tests.Server;

/// <summary>The conformance base on the SQLite demo with the declared finance tool.</summary>
public sealed class DatabaseConformanceTests : ServerConformanceTests<DatabaseServerUnderTest>
{
    protected override DatabaseServerUnderTest Server { get; } = new();

    protected override IReadOnlyList<string> ConfiguredTools => ["query_finance_data"];

    protected override PropertyRunOptions PropertyRun => DatabasePropertyRun.Options;
}

/// <summary>The property run against real PostgreSQL (the demo schema as the read-only role), declared tool included.</summary>
public sealed class PostgresPropertyRunConformanceTests(PostgresDemoSource source) : IClassFixture<PostgresDemoSource>
{
    [Fact]
    public async Task EveryTool_AnswersArgumentsItsSchemaAccepts_WithoutAnInternalError_OnPostgres()
    {
        source.RequireAvailable();
        var settings = new Dictionary<string, string?>(source.Settings, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in ToolPropertyRun.Settings)
        {
            settings[key] = value;
        }

        await using InMemoryMcpServer host = DatabaseServerUnderTest.Start(settings);
        ToolPropertyRun.AssertHeld(await ToolPropertyRun.RunAsync(host, DatabasePropertyRun.Options, TestContext.Current.CancellationToken));
    }
}

/// <summary>Names that exist in the demo schema, so that generated calls get past "no such table" to the code behind it.</summary>
internal static class DatabasePropertyRun
{
    private static readonly JsonNode?[] Columns = Values("id", "name", "total", "issued_on", "status", "currency", "country", "created_at",
        "customer.name", "customer_id", "quantity", "unit_price", "amount", "period", "metric");

    public static PropertyRunOptions Options { get; } = new()
    {
        Samples = new Dictionary<string, JsonNode?[]>
        {
            ["table"] = Values("customers", "invoices", "invoice_lines", "products", "finance", "invoice_summary"),
            ["column"] = Columns,
            ["columns[]"] = Columns,
            ["metric"] = Values("count", "revenue", "sum_total", "count_id"),
            ["value"] = [JsonValue.Create(1), JsonNode.Parse("5.0"), JsonValue.Create("2026-01-01"), JsonValue.Create("open"),
                null, new JsonArray(1, 100), new JsonArray("2026-01-01", "2026-12-31")],
            ["entity"] = Values("ACME", "Globex"),
            ["cursor"] = [null],
            // db_aggregate refuses a call without a usable metric before anything else, so give it real ones often.
            ["metrics[]"] = [new JsonObject { ["function"] = "count" }, new JsonObject { ["function"] = "sum", ["column"] = "total", ["as"] = "revenue" }],
        },
    };

    private static JsonNode?[] Values(params string[] values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
}
