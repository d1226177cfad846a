using McpServers.Database.Backend;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Database.Tests.Backend;

/// <summary>The generated SQL itself: catalog identifiers quoted, values only as parameters, stable paging order.</summary>
public sealed class QueryBuilderTests
{
    private static readonly CatalogTable Weird = new(
        "public", "we\"ird", "table", 10, null,
        [
            new CatalogColumn("id", "integer", ColumnKind.Integer, false, null, null),
            new CatalogColumn("na\"me", "text", ColumnKind.Text, true, null, null),
            new CatalogColumn("owner_id", "integer", ColumnKind.Integer, true, null, null),
            new CatalogColumn("at", "timestamp", ColumnKind.Timestamp, true, null, null),
            new CatalogColumn("api_secret", "text", ColumnKind.Text, true, null, null),
        ],
        ["id"],
        [new CatalogForeignKey("fk", ["owner_id"], "public", "owners", ["id"])],
        []);

    private static readonly CatalogTable Owners = new(
        "public", "owners", "table", 2, null,
        [new CatalogColumn("id", "integer", ColumnKind.Integer, false, null, null), new CatalogColumn("name", "text", ColumnKind.Text, false, null, null)],
        ["id"], [], []);

    private static QueryBuilder Builder(ISqlDialect dialect) =>
        new(new Catalog([Weird, Owners], new AccessPolicy(["public"], [], ["*secret*"])), dialect, 100, 1000);

    [Fact]
    public void BuildQuery_QuotesCatalogIdentifiers_AndBindsValues()
    {
        BuiltQuery query = Builder(PostgresDialect.Instance).BuildQuery(new QuerySpec(
            "we\"ird",
            Columns: ["na\"me", "owner.name"],
            Filters: [new FilterSpec("na\"me", FilterOp.Eq, Json.Of("\"'; DROP TABLE x; --\"")), new FilterSpec("owner.name", FilterOp.StartsWith, Json.Of("\"a_b%\""))]));

        Assert.Equal(
            """
            SELECT t."na""me" AS c0, j0."name" AS c1
            FROM "public"."we""ird" AS t
            LEFT JOIN "public"."owners" AS j0 ON j0."id" = t."owner_id"
            WHERE t."na""me" = $1
              AND (j0."name")::text ILIKE $2 ESCAPE '\'
            ORDER BY t."id" ASC NULLS LAST
            """.ReplaceLineEndings("\n"),
            query.Sql);
        Assert.Equal(["'; DROP TABLE x; --", "a\\_b\\%%"], query.Parameters.Select(p => p.Value));
        Assert.Equal(["na\"me", "owner.name"], query.Columns.Select(c => c.Name));
    }

    [Fact]
    public void BuildAggregate_SqliteBucketsAndHaving_AreParameterised()
    {
        BuiltQuery query = Builder(SqliteDialect.Instance).BuildAggregate(new AggregateSpec(
            "we\"ird",
            [new MetricSpec(MetricFunction.Count, As: "n")],
            GroupBy: [new GroupSpec("at", TimeBucket.Quarter)],
            Having: [new HavingSpec("n", FilterOp.Ge, Json.Of("2"))],
            OrderBy: [new OrderSpec("n", Descending: true)]));

        Assert.Contains("date(t.\"at\", 'start of month', '-' || ((CAST(strftime('%m', t.\"at\") AS INTEGER) - 1) % 3) || ' months') AS g0", query.Sql, StringComparison.Ordinal);
        Assert.Contains("HAVING count(*) >= @p0", query.Sql, StringComparison.Ordinal);
        Assert.Contains("ORDER BY count(*) DESC NULLS LAST, date(", query.Sql, StringComparison.Ordinal);
        Assert.Equal(2L, Assert.Single(query.Parameters).Value);
        Assert.Equal(["at_quarter", "n"], query.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Scope_DiffersWhenAnyValueDiffers_AndIgnoresLimitAndCursor()
    {
        QueryBuilder builder = Builder(PostgresDialect.Instance);
        var a = new QuerySpec("owners", Filters: [new FilterSpec("name", FilterOp.Eq, Json.Of("\"a\""))], Limit: 5);

        string scope = builder.BuildQuery(a).Scope;

        Assert.Equal(scope, builder.BuildQuery(a with { Limit = 50, Cursor = "x" }).Scope);
        Assert.NotEqual(scope, builder.BuildQuery(a with { Filters = [new FilterSpec("name", FilterOp.Eq, Json.Of("\"b\""))] }).Scope);
    }

    [Fact]
    public void ForeignKeyToADeniedTable_IsNotAPath()
    {
        var builder = new QueryBuilder(new Catalog([Weird, Owners], new AccessPolicy(["public"], ["owners"], [])), PostgresDialect.Instance, 100, 1000);

        var ex = Assert.Throws<ToolInputException>(() => builder.BuildQuery(new QuerySpec("we\"ird", Columns: ["owner.name"])));

        Assert.DoesNotContain("owners", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ToolInputException>(() => builder.BuildQuery(new QuerySpec("owners")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void BuildQuery_NonPositiveLimit_IsRefused(int limit)
    {
        Assert.Throws<ToolInputException>(() => Builder(PostgresDialect.Instance).BuildQuery(new QuerySpec("owners", Limit: limit)));
    }

    [Fact]
    public void BuildQuery_DeniedColumn_IsNotInTheCatalog()
    {
        var ex = Assert.Throws<ToolInputException>(() => Builder(PostgresDialect.Instance).BuildQuery(new QuerySpec("we\"ird", Columns: ["api_secret"])));

        Assert.Contains("na\"me", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("api_secret, ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("in", "[]")]
    [InlineData("between", "[1]")]
    [InlineData("eq", "[1, 2]")]
    [InlineData("eq", "null")]
    [InlineData("starts_with", "\"\"")]
    public void BuildQuery_MalformedFilterValues_AreRefusedWithTheRule(string op, string value)
    {
        Assert.Throws<ToolInputException>(() => Builder(PostgresDialect.Instance).BuildQuery(
            new QuerySpec("owners", Filters: [new FilterSpec(op == "starts_with" ? "name" : "id", FilterOps.Parse(op), Json.Of(value))])));
    }

    [Fact]
    public void FilterOps_Parse_ListsTheOperatorsOnError()
    {
        var ex = Assert.Throws<ToolInputException>(() => FilterOps.Parse("like"));

        Assert.Contains("not_in", ex.Message, StringComparison.Ordinal);
        Assert.Equal(FilterOp.IsNotNull, FilterOps.Parse("IS_NOT_NULL"));
    }

    [Theory]
    [InlineData("public.owners", "public", "owners")]
    [InlineData("owners", null, "owners")]
    public void QualifiedTableName_Parse_AcceptsOneOrTwoParts(string text, string? schema, string name)
    {
        Assert.Equal(new QualifiedTableName(schema, name), QualifiedTableName.Parse(text));
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData(".owners")]
    [InlineData("   ")]
    public void QualifiedTableName_Parse_RefusesOtherShapes(string text)
    {
        Assert.Throws<ToolInputException>(() => QualifiedTableName.Parse(text));
    }

    [Fact]
    public void BuildAggregate_PeriodOnTimestampTz_BindsTheInstantsOfLocalMidnight()
    {
        var events = new CatalogTable("public", "events", "table", 10, null,
            [new CatalogColumn("id", "integer", ColumnKind.Integer, false, null, null), new CatalogColumn("at", "timestamptz", ColumnKind.TimestampTz, false, null, null)],
            ["id"], [], []);
        var builder = new QueryBuilder(new Catalog([events], new AccessPolicy(["public"], [], [])), PostgresDialect.Instance, 100, 1000);
        TimeZoneInfo berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        ResolvedPeriod period = PeriodText.Resolve("2026-Q2", new DateOnly(2026, 5, 20), 1, berlin);

        BuiltQuery query = builder.BuildAggregate(new AggregateSpec("events", [new MetricSpec(MetricFunction.Count)]) { Period = "2026-Q2" }, period);

        Assert.Contains("WHERE t.\"at\" >= $1 AND t.\"at\" < $2", query.Sql, StringComparison.Ordinal);
        Assert.Equal([new DateTime(2026, 3, 31, 22, 0, 0, DateTimeKind.Utc), new DateTime(2026, 6, 30, 22, 0, 0, DateTimeKind.Utc)], query.Parameters.Select(p => p.Value));
        Assert.All(query.Parameters, p => Assert.Equal(DateTimeKind.Utc, ((DateTime)p.Value!).Kind));
    }

    [Fact]
    public void BuildAggregate_PeriodColumnWithoutPeriod_IsAnInstruction()
    {
        var ex = Assert.Throws<ToolInputException>(() => Builder(PostgresDialect.Instance).BuildAggregate(
            new AggregateSpec("we\"ird", [new MetricSpec(MetricFunction.Count)]) { PeriodColumn = "at" }));

        Assert.Contains("`period_column` only applies together with `period`", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildQuery_EqualityOnTheWholePrimaryKey_IsAKeyLookup()
    {
        QueryBuilder builder = Builder(PostgresDialect.Instance);

        Assert.True(builder.BuildQuery(new QuerySpec("owners", Filters: [new FilterSpec("id", FilterOp.Eq, Json.Of("7"))])).KeyLookup);
        Assert.True(builder.BuildQuery(new QuerySpec("owners", Filters: [new FilterSpec("name", FilterOp.Contains, Json.Of("\"a\"")), new FilterSpec("ID", FilterOp.Eq, Json.Of("7"))])).KeyLookup);
        Assert.False(builder.BuildQuery(new QuerySpec("owners", Filters: [new FilterSpec("id", FilterOp.Ge, Json.Of("7"))])).KeyLookup);
        Assert.False(builder.BuildQuery(new QuerySpec("owners", Filters: [new FilterSpec("id", FilterOp.In, Json.Of("[1, 2]"))])).KeyLookup);
        Assert.False(builder.BuildQuery(new QuerySpec("owners", Filters: [new FilterSpec("name", FilterOp.Eq, Json.Of("\"x\""))])).KeyLookup);
        Assert.False(builder.BuildQuery(new QuerySpec("owners")).KeyLookup);
    }

    [Fact]
    public void BuildQuery_KeyOfATypeThatComparesThroughACast_IsNeitherALookupNorSeekable()
    {
        var padded = new CatalogTable("public", "codes", "table", 2, null,
            [new CatalogColumn("code", "character(4)", ColumnKind.Text, false, null, null)], ["code"], [], []);
        var builder = new QueryBuilder(new Catalog([padded], new AccessPolicy(["public"], [], [])), PostgresDialect.Instance, 100, 1000);

        BuiltQuery query = builder.BuildQuery(new QuerySpec("codes", Filters: [new FilterSpec("code", FilterOp.Eq, Json.Of("\"ab\""))]));

        Assert.False(query.KeyLookup);
        Assert.Null(query.SeekKeys);
    }

    [Fact]
    public void BuildQuery_SeekKeysFollowTheOrderAndEndWithThePrimaryKey()
    {
        BuiltQuery query = Builder(PostgresDialect.Instance).BuildQuery(new QuerySpec("we\"ird", Columns: ["id"],
            OrderBy: [new OrderSpec("at", Descending: true), new OrderSpec("owner.name")]));

        Assert.NotNull(query.SeekKeys);
        Assert.Equal(["t.\"at\"", "j0.\"name\"", "t.\"id\""], query.SeekKeys.Select(k => k.Expression));
        Assert.Equal([true, false, false], query.SeekKeys.Select(k => k.Descending));

        // A joined column is null for a row without a related row, even though owners.name is NOT NULL.
        Assert.Equal([true, true, false], query.SeekKeys.Select(k => k.Nullable));
        Assert.StartsWith("SELECT t.\"id\" AS c0, t.\"at\" AS k0, j0.\"name\" AS k1, t.\"id\" AS k2\nFROM", query.SeekHead, StringComparison.Ordinal);
    }

    [Fact]
    public void SeekCondition_StartsAfterTheLastRow_WithNullsLast()
    {
        BuiltQuery query = Builder(PostgresDialect.Instance).BuildQuery(new QuerySpec("we\"ird", Columns: ["id"],
            Filters: [new FilterSpec("id", FilterOp.Gt, Json.Of("0"))], OrderBy: [new OrderSpec("at", Descending: true)]));
        var parameters = new List<SqlParameterValue>(query.Parameters);

        string afterValue = SeekPaging.Condition(query.SeekKeys!, Json.Of("[\"2026-03-31T14:00:00.0000000\", 5]"), parameters, PostgresDialect.Instance);
        Assert.Equal("(t.\"at\" < $2 OR t.\"at\" IS NULL)\n   OR (t.\"at\" = $2 AND t.\"id\" > $3)", afterValue);
        Assert.Equal([new DateTime(2026, 3, 31, 14, 0, 0, DateTimeKind.Unspecified), (object)5L], parameters.Skip(1).Select(p => p.Value));

        parameters = new List<SqlParameterValue>(query.Parameters);
        string afterNull = SeekPaging.Condition(query.SeekKeys!, Json.Of("[null, 5]"), parameters, PostgresDialect.Instance);
        Assert.Equal("(t.\"at\" IS NULL AND t.\"id\" > $2)", afterNull);
    }

    [Fact]
    public void BuildQuery_ViewOrTableWithoutPrimaryKey_PagesByOffset()
    {
        var keyless = new CatalogTable("public", "log", "table", 2, null, [new CatalogColumn("line", "text", ColumnKind.Text, false, null, null)], [], [], []);
        var builder = new QueryBuilder(new Catalog([keyless], new AccessPolicy(["public"], [], [])), PostgresDialect.Instance, 100, 1000);

        Assert.Null(builder.BuildQuery(new QuerySpec("log")).SeekKeys);
    }
}
