using System.Text.Json;
using McpServers.Database.Backend;
using McpServers.Shared.Errors;

namespace McpServers.Database.Tests.Backend;

public sealed class DeclaredQueriesTests
{
    private static string File(string sql, string schema = """{"type":"object","properties":{"p":{"type":"string"}}}""", string name = "probe_tool") =>
        $$"""{"tools":[{"name":"{{name}}","description":"probe","sql":{{JsonSerializer.Serialize(sql, TestJsonContext.Default.String)}},"inputSchema":{{schema}}}]}""";

    private const string NoParams = """{"type":"object"}""";

    [Theory]
    [InlineData("INSERT INTO finance VALUES (1)", "single read statement")]
    [InlineData("WITH gone AS (DELETE FROM finance RETURNING id) SELECT * FROM gone", "`DELETE`")]
    [InlineData("WITH x AS (INSERT INTO finance (id) VALUES (1) RETURNING id) SELECT * FROM x", "`INSERT`")]
    [InlineData("SELECT 1; DROP TABLE finance", "single statement")]
    [InlineData("SELECT 1; SELECT 2", "single statement")]
    [InlineData("SELECT * INTO copy FROM finance", "`INTO`")]
    [InlineData("SELECT * FROM finance FOR UPDATE", "`UPDATE`")]
    [InlineData("SELECT set_config('statement_timeout', '0', false)", "`set_config`")]
    [InlineData("SELECT pg_terminate_backend(1)", "`pg_terminate_backend`")]
    [InlineData("/* SELECT */ DELETE FROM finance", "single read statement")]
    [InlineData("-- SELECT\nUPDATE finance SET amount = 0", "single read statement")]
    [InlineData("SELECT 1 /* never closed", "not closed")]
    [InlineData("SELECT 'never closed", "not closed")]
    [InlineData("SELECT $$ never closed", "not closed")]
    [InlineData("COPY finance TO '/tmp/x'", "single read statement")]
    [InlineData("CALL refresh()", "single read statement")]
    [InlineData("SELECT * FROM finance WHERE id = $1", ":name parameters only")]
    [InlineData("SELECT * FROM finance WHERE id = ?", ":name parameters only")]
    [InlineData("SELECT * FROM finance WHERE id = @id", ":name parameters only")]
    [InlineData("EXPLAIN ANALYZE DELETE FROM finance", "single read statement")]
    [InlineData("PRAGMA writable_schema = 1", "single read statement")]
    [InlineData("SELECT 1 AS x UNION SELECT 2; ATTACH DATABASE 'x' AS y", "`ATTACH`")]
    public void Parse_WritesAndMultipleStatements_AreRefusedAtLoad(string sql, string problem)
    {
        var ex = Assert.Throws<DeclaredQueryException>(() => DeclaredQueries.Parse(File(sql, NoParams)));

        Assert.Contains(ex.Problems, p => p.StartsWith("probe_tool:", StringComparison.Ordinal) && p.Contains(problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("SELECT 'DROP TABLE finance; DELETE' AS text_only")]
    [InlineData("SELECT 1 AS x -- DELETE FROM finance")]
    [InlineData("SELECT \"update\" FROM finance")]
    [InlineData("SELECT $$ DELETE $$ AS quoted, $tag$ ; INSERT $tag$ AS also")]
    [InlineData("SELECT E'it\\'s; DELETE' AS escaped")]
    [InlineData("VALUES (1), (2)")]
    [InlineData("TABLE finance")]
    [InlineData("(SELECT 1 AS x)")]
    [InlineData("WITH q AS (SELECT * FROM finance) SELECT count(*) FROM q;")]
    [InlineData("SELECT amount::text, '2026-01-01'::date FROM finance /* a; comment */")]
    public void Parse_ReadStatements_AreAccepted(string sql)
    {
        DeclaredQuery query = Assert.Single(DeclaredQueries.Parse(File(sql, NoParams)));

        Assert.Equal("probe_tool", query.Name);
    }

    [Fact]
    public void Parse_FinanceExample_ReadsParametersRequiredAndTypes()
    {
        DeclaredQuery query = DemoTools.Finance;

        Assert.Equal("query_finance_data", query.Name);
        Assert.Equal(["metric", "period", "entity"], query.Parameters.Select(p => p.Name));
        Assert.Equal([true, true, false], query.Parameters.Select(p => p.Required));
        Assert.All(query.Parameters, p => Assert.Equal(DeclaredParameterType.String, p.Type));
        Assert.Equal(JsonValueKind.Object, query.InputSchema.GetProperty("properties").ValueKind);
    }

    [Fact]
    public void Render_ReplacesEveryOccurrenceWithTheSamePlaceholder_AndNestsAsSubquery()
    {
        string postgres = DeclaredQueries.Render(DemoTools.Finance, PostgresDialect.Instance);
        string sqlite = DeclaredQueries.Render(DemoTools.Finance, SqliteDialect.Instance);

        Assert.StartsWith("SELECT * FROM (\n", postgres, StringComparison.Ordinal);
        Assert.Contains("metric = $1 AND period = $2 AND ($3 IS NULL OR entity = $3)", postgres, StringComparison.Ordinal);
        Assert.Contains("metric = @p0 AND period = @p1 AND (@p2 IS NULL OR entity = @p2)", sqlite, StringComparison.Ordinal);
        Assert.DoesNotContain(":metric", postgres, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_KeepsCastsAndTrailingComments_Harmless()
    {
        DeclaredQuery query = Assert.Single(DeclaredQueries.Parse(File("SELECT :p::text AS v -- trailing comment", """{"type":"object","properties":{"p":{"type":"string"}}}""")));

        string sql = DeclaredQueries.Render(query, PostgresDialect.Instance);

        Assert.Contains("$1::text", sql, StringComparison.Ordinal);
        Assert.EndsWith("\n) AS declared_query", sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT :missing AS x", """{"type":"object","properties":{"p":{"type":"string"}}}""", "not a property")]
    [InlineData("SELECT 1 AS x", """{"type":"object","properties":{"p":{"type":"string"}}}""", "never uses :p")]
    [InlineData("SELECT :p AS x", """{"type":"object","properties":{"p":{"type":"object"}}}""", "needs \"type\"")]
    [InlineData("SELECT :p AS x", """{"type":"object","properties":{"p":{"type":"string"}},"required":["q"]}""", "required parameter `q`")]
    [InlineData("SELECT 1 AS x", """{"type":"array"}""", "\"type\": \"object\"")]
    [InlineData("SELECT 1 AS x", """{"type":["object","null"]}""", "\"type\": \"object\"")]
    public void Parse_SchemaAndStatementMustAgree(string sql, string schema, string problem)
    {
        var ex = Assert.Throws<DeclaredQueryException>(() => DeclaredQueries.Parse(File(sql, schema)));

        Assert.Contains(ex.Problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Query-Finance")]
    [InlineData("this_name_is_far_too_long_for_a_tool_name_because_it_exceeds_48")]
    [InlineData("1st")]
    public void Parse_ToolNamesMustBeSnakeCaseAndShort(string name)
    {
        var ex = Assert.Throws<DeclaredQueryException>(() => DeclaredQueries.Parse(File("SELECT 1 AS x", NoParams, name)));

        Assert.Contains(ex.Problems, p => p.Contains("snake_case", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ReportsEveryProblemOfEveryTool()
    {
        const string json = """
            {"tools":[
              {"name":"one","description":"d","sql":"DELETE FROM x","inputSchema":{"type":"object"}},
              {"name":"two","sql":"SELECT 1 AS x","inputSchema":{"type":"object"}},
              {"name":"one","description":"d","sql":"SELECT 1 AS x","inputSchema":{"type":"object"},"maxRows":0}
            ]}
            """;

        var ex = Assert.Throws<DeclaredQueryException>(() => DeclaredQueries.Parse(json));

        Assert.Contains(ex.Problems, p => p.StartsWith("one:", StringComparison.Ordinal) && p.Contains("single read statement", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("two:", StringComparison.Ordinal) && p.Contains("description", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("maxRows", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"tools\": 5}")]
    public void Parse_MalformedFile_IsRefused(string json)
    {
        Assert.Throws<DeclaredQueryException>(() => DeclaredQueries.Parse(json));
    }

    [Fact]
    public void Bind_TypesValuesFromTheSchema_AndNullsOptionalOnes()
    {
        DeclaredQuery query = Assert.Single(DeclaredQueries.Parse(File("SELECT :n AS n, :x AS x, :b AS b, :d AS d, :s AS s",
            """{"type":"object","properties":{"n":{"type":"integer"},"x":{"type":"number"},"b":{"type":"boolean"},"d":{"type":"string","format":"date"},"s":{"type":["string","null"]}},"required":["n"]}""")));

        List<SqlParameterValue> values = DeclaredQueries.Bind(query, Json.Args("""{"n": 5, "x": 1.25, "b": true, "d": "2026-03-31"}"""));

        Assert.Equal(5L, values[0].Value);
        Assert.Equal(1.25m, values[1].Value);
        Assert.Equal(true, values[2].Value);
        Assert.Equal(new DateOnly(2026, 3, 31), values[3].Value);
        Assert.Null(values[4].Value);
        Assert.Equal(ColumnKind.Text, values[4].Kind);
        Assert.Throws<ToolInputException>(() => DeclaredQueries.Bind(query, Json.Args("""{"n": "five"}""")));
    }
}
