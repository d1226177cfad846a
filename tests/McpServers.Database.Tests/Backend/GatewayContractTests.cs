using System.Globalization;
using System.Text.Json;
using McpServers.Database.Backend;
using McpServers.Database.Options;
using McpServers.Shared.Errors;

namespace McpServers.Database.Tests.Backend;

/// <summary>
/// The gateway contract, run against both backends over the same demo data (see the two derived classes). Expected
/// values come from trusted SQL run directly against the database, never from the gateway itself.
/// </summary>
public abstract class GatewayContractTests<TBackend>(TBackend backend) : BackendTests<TBackend>(backend)
    where TBackend : DemoBackend
{
    protected IDatabaseGateway Gateway
    {
        get
        {
            Backend.RequireAvailable();
            return Backend.Gateway;
        }
    }

    protected string Schema => Backend.DefaultSchema;

    protected static JsonElement J(string json) => Json.Of(json);

    protected static int Column(QueryResult result, string name) =>
        result.Columns.Select((c, i) => (c, i)).Single(x => x.c.Name == name).i;

    protected static List<string?> Strings(QueryResult result, string column) =>
        result.Rows.Select(r => r[Column(result, column)]).Select(e => e.ValueKind == JsonValueKind.Null ? null : e.ToString()).ToList();

    /// <summary>A cost budget the first rows of a filtered invoice scan fit in, but not a tenth of it for counting them all.</summary>
    protected virtual DatabaseOptions SmallBudget => new() { MaxQueryCost = 50, MaxSqliteSteps = 20_000 };

    /// <summary>Follows next_cursor to the end (at most 100 pages): the first column of every row, and how many pages.</summary>
    protected async Task<(List<long> Ids, int Pages)> PageThroughAsync(QuerySpec spec)
    {
        var ids = new List<long>();
        string? cursor = null;
        int pages = 0;
        do
        {
            QueryResult page = await Gateway.QueryAsync(spec with { Cursor = cursor }, Ct);
            ids.AddRange(page.Rows.Select(r => r[0].GetInt64()));
            cursor = page.Truncation.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 100);
        return (ids, pages);
    }

    protected async Task<long> CountAsync(string sql) => Convert.ToInt64(await Backend.ScalarAsync(sql), CultureInfo.InvariantCulture);

    // ---- list and describe ----

    [Fact]
    public async Task ListTables_ReturnsDemoTablesAndView_WithoutHr()
    {
        TableList list = await Gateway.ListTablesAsync(cancellationToken: Ct);

        var names = list.Tables.Select(t => t.Name).ToList();
        Assert.Equal(["customers", "finance", "invoice_lines", "invoice_summary", "invoices", "products"], names);
        Assert.All(list.Tables, t => Assert.Equal(Schema, t.Schema));
        Assert.Equal("view", list.Tables.Single(t => t.Name == "invoice_summary").Kind);
        Assert.False(list.Truncation.Truncated);
    }

    [Fact]
    public async Task ListTables_ReportsRowEstimates()
    {
        TableList list = await Gateway.ListTablesAsync(cancellationToken: Ct);

        long? invoices = list.Tables.Single(t => t.Name == "invoices").RowEstimate;
        Assert.InRange(invoices ?? 0, DemoDatabase.InvoiceCount * 0.9, DemoDatabase.InvoiceCount * 1.1);
    }

    [Fact]
    public async Task ListTables_FiltersByNameAndRefusesHiddenSchema()
    {
        TableList list = await Gateway.ListTablesAsync(nameContains: "INVOICE", cancellationToken: Ct);
        Assert.Equal(3, list.Tables.Count);

        var ex = await Assert.ThrowsAsync<ToolInputException>(() => Gateway.ListTablesAsync(schema: "hr", cancellationToken: Ct));
        Assert.Contains("not visible", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeTable_ReturnsColumnsKeysForeignKeysAndIndexes()
    {
        TableDescription invoices = await Gateway.DescribeTableAsync("invoices", Ct);

        Assert.Equal(["id"], invoices.PrimaryKey);
        ColumnDescription id = invoices.Columns.Single(c => c.Name == "id");
        Assert.True(id.PrimaryKey);
        Assert.False(id.Nullable);
        Assert.True(invoices.Columns.Single(c => c.Name == "notes").Nullable);
        Assert.Contains("open", invoices.Columns.Single(c => c.Name == "status").Default, StringComparison.Ordinal);
        ForeignKeyDescription customer = Assert.Single(invoices.ForeignKeys);
        Assert.Equal("customer", customer.Relation);
        Assert.Equal(["customer_id"], customer.Columns);
        Assert.Equal($"{Schema}.customers", customer.ReferencedTable);
        Assert.Equal(["id"], customer.ReferencedColumns);
        Assert.Contains(invoices.Indexes, i => i.Columns.SequenceEqual(["issued_on"]) && !i.Unique);
        Assert.Contains(invoices.Indexes, i => i.Columns.SequenceEqual(["invoice_number"]) && i.Unique);
    }

    [Fact]
    public async Task DescribeTable_AcceptsSchemaQualifiedName()
    {
        TableDescription products = await Gateway.DescribeTableAsync($"{Schema}.products", Ct);
        Assert.Equal("products", products.Name);
    }

    [Fact]
    public async Task DescribeTable_ListsTheTablesThatReferenceIt()
    {
        TableDescription customers = await Gateway.DescribeTableAsync("customers", Ct);
        TableDescription products = await Gateway.DescribeTableAsync("products", Ct);
        TableDescription lines = await Gateway.DescribeTableAsync("invoice_lines", Ct);

        ReferenceDescription invoices = Assert.Single(customers.ReferencedBy);
        Assert.Equal($"{Schema}.invoices", invoices.Table);
        Assert.Equal(["customer_id"], invoices.Columns);
        Assert.Equal(["id"], invoices.ReferencedColumns);
        ReferenceDescription line = Assert.Single(products.ReferencedBy);
        Assert.Equal($"{Schema}.invoice_lines", line.Table);
        Assert.Equal(["product_id"], line.Columns);
        Assert.Empty(lines.ReferencedBy);
    }

    [Fact]
    public async Task DescribeTable_HidesDeniedColumns()
    {
        TableDescription customers = await Gateway.DescribeTableAsync("customers", Ct);

        Assert.DoesNotContain(customers.Columns, c => c.Name.Contains("password", StringComparison.Ordinal));
        Assert.Contains(customers.Columns, c => c.Name == "credit_limit");
    }

    [Theory]
    [InlineData("hr.employees")]
    [InlineData("employees")]
    [InlineData("HR.EMPLOYEES")]
    public async Task DescribeTable_RefusesTablesOutsideAllowedSchemas(string table)
    {
        var ex = await Assert.ThrowsAsync<ToolInputException>(() => Gateway.DescribeTableAsync(table, Ct));

        Assert.Contains("does not exist or is not visible", ex.Message, StringComparison.Ordinal);
        Assert.Contains("invoices", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("employees", ex.Message.Replace(table, string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    // ---- query ----

    [Fact]
    public async Task Query_FiltersOrdersAndSelectsColumns()
    {
        QueryResult result = await Gateway.QueryAsync(new QuerySpec(
            "invoices",
            Columns: ["id", "status", "total"],
            Filters: [new FilterSpec("status", FilterOp.Eq, J("\"paid\"")), new FilterSpec("total", FilterOp.Gt, J("1000"))],
            OrderBy: [new OrderSpec("total", Descending: true)],
            Limit: 5), Ct);

        Assert.Equal(["id", "status", "total"], result.Columns.Select(c => c.Name));
        Assert.Equal(5, result.RowCount);
        Assert.All(result.Rows, r => Assert.Equal("paid", r[1].GetString()));
        var totals = result.Rows.Select(r => r[2].GetDecimal()).ToList();
        Assert.Equal(totals.OrderByDescending(t => t), totals);
        decimal max = Convert.ToDecimal(await Backend.ScalarAsync("SELECT max(total) FROM invoices WHERE status = 'paid'"), CultureInfo.InvariantCulture);
        Assert.Equal(max, totals[0]);
    }

    [Fact]
    public async Task Query_SelectsAndFiltersColumnsReachedThroughForeignKeys()
    {
        QueryResult result = await Gateway.QueryAsync(new QuerySpec(
            "invoices",
            Columns: ["id", "total", "customer.name", "customer.country"],
            Filters: [new FilterSpec("customer.country", FilterOp.Eq, J("\"DE\""))],
            Limit: 1000), Ct);

        long expected = await CountAsync("SELECT count(*) FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE c.country = 'DE'");
        Assert.Equal(expected, result.RowCount);
        Assert.All(Strings(result, "customer.country"), c => Assert.Equal("DE", c));
        Assert.All(Strings(result, "customer.name"), n => Assert.False(string.IsNullOrEmpty(n)));
    }

    [Fact]
    public async Task Query_FollowsTwoForeignKeyHops()
    {
        QueryResult result = await Gateway.QueryAsync(new QuerySpec(
            "invoice_lines",
            Columns: ["id", "invoice.invoice_number", "invoice.customer.name", "product.sku"],
            Filters: [new FilterSpec("invoice.customer.id", FilterOp.Eq, J("1"))],
            Limit: 1000), Ct);

        long expected = await CountAsync("SELECT count(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.customer_id = 1");
        Assert.Equal(expected, result.RowCount);
        Assert.Single(Strings(result, "invoice.customer.name").Distinct());
    }

    [Theory]
    [MemberData(nameof(ContractData.FilterCases), MemberType = typeof(ContractData))]
    public async Task Query_EachFilterOperator_MatchesEquivalentSql(string column, string op, string value, string where)
    {
        FilterOp filterOp = FilterOps.Parse(op);
        JsonElement? v = filterOp is FilterOp.IsNull or FilterOp.IsNotNull ? null : J(value);

        QueryResult result = await Gateway.QueryAsync(new QuerySpec("invoices", Columns: ["id"], Filters: [new FilterSpec(column, filterOp, v)], Limit: 1000), Ct);

        long expected = await CountAsync($"SELECT count(*) FROM invoices WHERE {where}");
        Assert.True(expected > 0, "the case should select some rows");
        Assert.Equal(Math.Min(expected, 1000), result.RowCount);
    }

    [Fact]
    public async Task Query_ContainsIsCaseInsensitive()
    {
        QueryResult result = await Gateway.QueryAsync(new QuerySpec("customers", Columns: ["name"], Filters: [new FilterSpec("name", FilterOp.Contains, J("\"NORTHWIND\""))]), Ct);

        Assert.Equal(10, result.RowCount);
        Assert.All(Strings(result, "name"), n => Assert.StartsWith("Northwind", n, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Query_LikeWildcardsInValues_AreMatchedLiterally()
    {
        QueryResult result = await Gateway.QueryAsync(new QuerySpec("customers", Columns: ["name"], Filters: [new FilterSpec("name", FilterOp.Contains, J("\"%\""))]), Ct);

        Assert.Equal(0, result.RowCount);
    }

    [Theory]
    [InlineData("total", "\"a lot\"", "number")]
    [InlineData("id", "1.5", "whole number")]
    [InlineData("issued_on", "\"31/12/2025\"", "date like 2026-03-31")]
    [InlineData("created_at", "\"yesterday\"", "date-time")]
    [InlineData("total", "{\"x\":1}", "number")]
    public async Task Query_ValueOfWrongType_NamesColumnAndExpectedType(string column, string value, string expected)
    {
        var ex = await Assert.ThrowsAsync<ToolInputException>(() =>
            Gateway.QueryAsync(new QuerySpec("invoices", Filters: [new FilterSpec(column, FilterOp.Eq, J(value))]), Ct));

        Assert.Contains($"`{column}`", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_UnknownColumn_ListsColumnsThatExist()
    {
        var ex = await Assert.ThrowsAsync<ToolInputException>(() =>
            Gateway.QueryAsync(new QuerySpec("invoices", Columns: ["amount"]), Ct));

        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("total", ex.Message, StringComparison.Ordinal);
        Assert.Contains("customer.<column>", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_ContainsOnNumber_IsRefusedWithAlternative()
    {
        var ex = await Assert.ThrowsAsync<ToolInputException>(() =>
            Gateway.QueryAsync(new QuerySpec("invoices", Filters: [new FilterSpec("total", FilterOp.Contains, J("\"1\""))]), Ct));

        Assert.Contains("text columns only", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ContractData.DeniedColumnUses), MemberType = typeof(ContractData))]
    public async Task DeniedColumn_IsUnusableEverywhere_AndErrorListsAllowedColumns(string use)
    {
        const string denied = "portal_password_hash";
        Task call = use switch
        {
            "select" => Gateway.QueryAsync(new QuerySpec("customers", Columns: [denied]), Ct),
            "filter" => Gateway.QueryAsync(new QuerySpec("customers", Filters: [new FilterSpec(denied, FilterOp.IsNotNull)]), Ct),
            "order" => Gateway.QueryAsync(new QuerySpec("customers", OrderBy: [new OrderSpec(denied)]), Ct),
            "group" => Gateway.AggregateAsync(new AggregateSpec("customers", [new MetricSpec(MetricFunction.Count)], GroupBy: [new GroupSpec(denied)]), Ct),
            "metric" => Gateway.AggregateAsync(new AggregateSpec("customers", [new MetricSpec(MetricFunction.CountDistinct, denied)]), Ct),
            _ => Gateway.QueryAsync(new QuerySpec("invoices", Columns: ["customer." + denied]), Ct),
        };

        var ex = await Assert.ThrowsAsync<ToolInputException>(() => call);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("credit_limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_DefaultColumns_ExcludeDeniedColumns()
    {
        QueryResult result = await Gateway.QueryAsync(new QuerySpec("customers", Limit: 1), Ct);

        Assert.DoesNotContain(result.Columns, c => c.Name.Contains("password", StringComparison.Ordinal));
        Assert.Equal(7, result.Columns.Count);
    }

    [Fact]
    public async Task Query_ValuesKeepPrecisionAndDatesAreIso8601()
    {
        QueryResult result = await Gateway.QueryAsync(new QuerySpec("invoices", Columns: ["id", "total", "issued_on", "created_at", "notes"],
            Filters: [new FilterSpec("id", FilterOp.Eq, J("11"))]), Ct);

        IReadOnlyList<JsonElement> row = Assert.Single(result.Rows);
        Assert.Equal(JsonValueKind.Number, row[0].ValueKind);
        Assert.Equal(JsonValueKind.Number, row[1].ValueKind);
        decimal expected = Convert.ToDecimal(await Backend.ScalarAsync("SELECT total FROM invoices WHERE id = 11"), CultureInfo.InvariantCulture);
        Assert.Equal(expected, row[1].GetDecimal());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", row[2].GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", row[3].GetString());
        Assert.StartsWith("PO ", row[4].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_BooleansAreJsonBooleans()
    {
        QueryResult result = await Gateway.QueryAsync(new QuerySpec("products", Columns: ["id", "active"], Filters: [new FilterSpec("active", FilterOp.Eq, J("false"))]), Ct);

        Assert.Equal(DemoDatabase.ProductCount / 7, result.RowCount);
        Assert.All(result.Rows, r => Assert.Equal(JsonValueKind.False, r[1].ValueKind));
    }

    // ---- caps, truncation and paging ----

    [Fact]
    public async Task Query_DefaultLimit_CutsWithNoticeAndCursor()
    {
        QueryResult result = await Gateway.QueryAsync(new QuerySpec("invoices", Columns: ["id"]), Ct);

        Assert.Equal(100, result.RowCount);
        Assert.True(result.Truncation.Truncated);
        Assert.NotNull(result.Truncation.NextCursor);
        Assert.Contains("row limit 100", result.Truncation.Notice(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_LimitAboveAdministratorMaximum_IsCapped()
    {
        IDatabaseGateway gateway = Create(new DatabaseOptions { MaxRowLimit = 50, DefaultRowLimit = 10 });

        QueryResult result = await gateway.QueryAsync(new QuerySpec("invoices", Columns: ["id"], Limit: 5000), Ct);

        Assert.Equal(50, result.RowCount);
        Assert.Contains("administrator's maximum", result.Truncation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_CursorPaging_ReturnsEveryRowExactlyOnce()
    {
        // issued_on has many ties: the primary key tiebreaker must keep pages disjoint.
        var spec = new QuerySpec("invoices", Columns: ["id", "issued_on"], Filters: [new FilterSpec("status", FilterOp.In, J("[\"void\", \"overdue\"]"))],
            OrderBy: [new OrderSpec("issued_on", Descending: true)], Limit: 37);
        (List<long> ids, int pages) = await PageThroughAsync(spec);

        long expected = await CountAsync("SELECT count(*) FROM invoices WHERE status IN ('void', 'overdue')");
        Assert.Equal(expected, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.True(pages > 5);
    }

    [Fact]
    public async Task Query_CutResult_GivesTheTotalWhenCheap_AndKeepsItOnLaterPages()
    {
        var spec = new QuerySpec("invoices", Columns: ["id"], Filters: [new FilterSpec("status", FilterOp.Eq, J("\"paid\""))], Limit: 25);

        QueryResult first = await Gateway.QueryAsync(spec, Ct);
        QueryResult second = await Gateway.QueryAsync(spec with { Cursor = first.Truncation.NextCursor }, Ct);

        long expected = await CountAsync("SELECT count(*) FROM invoices WHERE status = 'paid'");
        Assert.Equal(expected, first.Truncation.Total);
        Assert.Equal(expected, second.Truncation.Total);
        Assert.Contains($"showing 25 of {expected}", first.Truncation.Notice(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_CountOverTheCheapBudget_SaysTheTotalIsUnknown()
    {
        // The page reads a few rows; counting scans every invoice, over a tenth of this small budget.
        IDatabaseGateway gateway = Create(SmallBudget);

        QueryResult cut = await gateway.QueryAsync(new QuerySpec("invoices", Columns: ["id"], Filters: [new FilterSpec("invoice_number", FilterOp.Contains, J("\"0\""))], Limit: 3), Ct);

        Assert.True(cut.Truncation.Truncated);
        Assert.Null(cut.Truncation.Total);
        Assert.Contains("of an unknown total", cut.Truncation.Notice(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_PagingAView_SaysPagesArePositional()
    {
        QueryResult page = await Gateway.QueryAsync(new QuerySpec("invoice_summary", Limit: 2), Ct);

        Assert.True(page.Truncation.Truncated);
        Assert.Contains("positional", page.Truncation.Reason, StringComparison.Ordinal);
        QueryResult table = await Gateway.QueryAsync(new QuerySpec("invoices", Columns: ["id"], Limit: 2), Ct);
        Assert.DoesNotContain("positional", table.Truncation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_SeekPagingOverANullableColumn_ReturnsEveryRowOnceInOrder()
    {
        var spec = new QuerySpec("invoices", Columns: ["id", "notes"], OrderBy: [new OrderSpec("notes", Descending: true)], Limit: 400);
        (List<long> ids, _) = await PageThroughAsync(spec);

        Assert.Equal(await CountAsync("SELECT count(*) FROM invoices"), ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        long withNotes = await CountAsync("SELECT count(*) FROM invoices WHERE notes IS NOT NULL");
        long firstNull = await CountAsync("SELECT min(id) FROM invoices WHERE notes IS NULL");
        Assert.Equal(firstNull, ids[(int)withNotes]);
    }

    [Fact]
    public async Task Query_CursorFromAnotherQuery_IsRefused()
    {
        QueryResult first = await Gateway.QueryAsync(new QuerySpec("invoices", Columns: ["id"], Limit: 10), Ct);

        var ex = await Assert.ThrowsAsync<ToolInputException>(() =>
            Gateway.QueryAsync(new QuerySpec("invoices", Columns: ["id"], Filters: [new FilterSpec("status", FilterOp.Eq, J("\"paid\""))], Limit: 10, Cursor: first.Truncation.NextCursor), Ct));
        Assert.Contains("cursor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_ResponseSizeCap_CutsAndPagesOnward()
    {
        IDatabaseGateway gateway = Create(new DatabaseOptions { MaxResponseBytes = 4096 });
        var spec = new QuerySpec("customers", Columns: ["id", "name", "email"], Limit: 200);

        QueryResult first = await gateway.QueryAsync(spec, Ct);
        QueryResult second = await gateway.QueryAsync(spec with { Cursor = first.Truncation.NextCursor }, Ct);

        Assert.True(first.Truncation.Truncated);
        Assert.Contains("response size", first.Truncation.Reason, StringComparison.Ordinal);
        Assert.InRange(first.RowCount, 10, 100);
        Assert.Equal(first.Rows[^1][0].GetInt64() + 1, second.Rows[0][0].GetInt64());
    }

    [Fact]
    public async Task Query_LongCells_AreCutToMaxCellChars()
    {
        IDatabaseGateway gateway = Create(new DatabaseOptions { MaxCellChars = 16 });

        QueryResult result = await gateway.QueryAsync(new QuerySpec("customers", Columns: ["email"], Limit: 5), Ct);

        Assert.All(Strings(result, "email"), e => Assert.True(e!.Length <= 16 && e.EndsWith('…')));
    }

    // ---- aggregate ----

    [Fact]
    public async Task Aggregate_TopCustomersByRevenueThisQuarter_IsOneCall()
    {
        string start = DemoClock.QuarterStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        QueryResult result = await Gateway.AggregateAsync(new AggregateSpec(
            "invoices",
            [new MetricSpec(MetricFunction.Sum, "total", "revenue")],
            GroupBy: [new GroupSpec("customer.name")],
            Filters: [new FilterSpec("issued_on", FilterOp.Ge, J($"\"{start}\""))],
            OrderBy: [new OrderSpec("revenue", Descending: true)],
            Limit: 10), Ct);

        Assert.Equal(["customer.name", "revenue"], result.Columns.Select(c => c.Name));
        Assert.Equal(10, result.RowCount);
        object? topName = await Backend.ScalarAsync(
            $"SELECT c.name FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.issued_on >= '{start}' GROUP BY c.name ORDER BY sum(i.total) DESC LIMIT 1");
        object? topRevenue = await Backend.ScalarAsync(
            $"SELECT sum(i.total) FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.issued_on >= '{start}' GROUP BY c.name ORDER BY sum(i.total) DESC LIMIT 1");
        Assert.Equal(topName, result.Rows[0][0].GetString());
        Assert.Equal(Math.Round(Convert.ToDecimal(topRevenue, CultureInfo.InvariantCulture), 2), result.Rows[0][1].GetDecimal());
    }

    [Theory]
    [InlineData(TimeBucket.Quarter, 8)]
    [InlineData(TimeBucket.Year, 3)]
    [InlineData(TimeBucket.Month, 23)]
    public async Task Aggregate_TimeBuckets_GroupByPeriodStart(TimeBucket bucket, int buckets)
    {
        QueryResult result = await Gateway.AggregateAsync(new AggregateSpec(
            "invoices", [new MetricSpec(MetricFunction.Count)], GroupBy: [new GroupSpec("issued_on", bucket)]), Ct);

        Assert.Equal($"issued_on_{bucket.Name()}", result.Columns[0].Name);
        Assert.Equal(buckets, result.RowCount);
        Assert.Equal(DemoDatabase.InvoiceCount, result.Rows.Sum(r => r[1].GetInt64()));
        var starts = result.Rows.Select(r => DateOnly.ParseExact(r[0].GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(starts.Order(), starts);
        if (bucket == TimeBucket.Quarter)
        {
            Assert.Equal(DemoClock.QuarterStart.AddMonths(-21), starts[0]);
            Assert.All(starts, s => Assert.True(s.Day == 1 && s.Month % 3 == 1));
        }
    }

    [Fact]
    public async Task Aggregate_WeekBuckets_StartOnMonday()
    {
        QueryResult result = await Gateway.AggregateAsync(new AggregateSpec(
            "invoices", [new MetricSpec(MetricFunction.Count)], GroupBy: [new GroupSpec("created_at", TimeBucket.Week)], Limit: 1000), Ct);

        Assert.All(result.Rows, r => Assert.Equal(DayOfWeek.Monday, DateOnly.ParseExact(r[0].GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayOfWeek));
        Assert.Equal(DemoDatabase.InvoiceCount, result.Rows.Sum(r => r[1].GetInt64()));
    }

    [Fact]
    public async Task Aggregate_MetricsHavingAndOrdering()
    {
        QueryResult result = await Gateway.AggregateAsync(new AggregateSpec(
            "invoices",
            [
                new MetricSpec(MetricFunction.Count, As: "invoices"),
                new MetricSpec(MetricFunction.CountDistinct, "status"),
                new MetricSpec(MetricFunction.Avg, "total"),
                new MetricSpec(MetricFunction.Min, "issued_on"),
                new MetricSpec(MetricFunction.Max, "total"),
            ],
            GroupBy: [new GroupSpec("customer_id")],
            Having: [new HavingSpec("invoices", FilterOp.Gt, J("25"))],
            OrderBy: [new OrderSpec("invoices", Descending: true)],
            Limit: 1000), Ct);

        long expected = await CountAsync("SELECT count(*) FROM (SELECT customer_id FROM invoices GROUP BY customer_id HAVING count(*) > 25) x");
        Assert.Equal(expected, result.RowCount);
        Assert.Equal(["customer_id", "invoices", "count_distinct_status", "avg_total", "min_issued_on", "max_total"], result.Columns.Select(c => c.Name));
        Assert.All(result.Rows, r => Assert.True(r[1].GetInt64() > 25));
        Assert.All(result.Rows, r => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", r[4].GetString()));
        var counts = result.Rows.Select(r => r[1].GetInt64()).ToList();
        Assert.Equal(counts.OrderDescending(), counts);
    }

    [Fact]
    public async Task Aggregate_WithoutGroups_ReturnsOneRow()
    {
        QueryResult result = await Gateway.AggregateAsync(new AggregateSpec("invoice_lines", [new MetricSpec(MetricFunction.Sum, "quantity")]), Ct);

        long expected = await CountAsync("SELECT sum(quantity) FROM invoice_lines");
        Assert.Equal(expected, Assert.Single(result.Rows)[0].GetInt64());
    }

    [Fact]
    public async Task Aggregate_TimeBucketOnTextColumn_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<ToolInputException>(() => Gateway.AggregateAsync(new AggregateSpec(
            "invoices", [new MetricSpec(MetricFunction.Count)], GroupBy: [new GroupSpec("status", TimeBucket.Month)]), Ct));

        Assert.Contains("issued_on", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aggregate_SumOfText_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<ToolInputException>(() => Gateway.AggregateAsync(new AggregateSpec(
            "invoices", [new MetricSpec(MetricFunction.Sum, "status")]), Ct));

        Assert.Contains("numeric column", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aggregate_PagingOverGroups_ReturnsEveryGroupOnce()
    {
        var spec = new AggregateSpec("invoices", [new MetricSpec(MetricFunction.Count, As: "n")], GroupBy: [new GroupSpec("customer.name")],
            OrderBy: [new OrderSpec("n", Descending: true)], Limit: 30);
        var names = new List<string>();
        string? cursor = null;
        do
        {
            QueryResult page = await Gateway.AggregateAsync(spec with { Cursor = cursor }, Ct);
            names.AddRange(page.Rows.Select(r => r[0].GetString()!));
            cursor = page.Truncation.NextCursor;
        }
        while (cursor is not null);

        long expected = await CountAsync("SELECT count(DISTINCT c.name) FROM invoices i JOIN customers c ON c.id = i.customer_id");
        Assert.Equal(expected, names.Count);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    // ---- declared queries ----

    protected static DeclaredQuery Finance => DemoTools.Finance;

    [Fact]
    public async Task RunDeclared_QueryFinanceData_ReturnsEveryEntityForThePeriod()
    {
        string period = DemoDatabase.QuarterName(DemoClock.Today);

        QueryResult result = await Gateway.RunDeclaredAsync(Finance, Json.Args($$"""{"metric":"revenue","period":"{{period}}"}"""), Ct);

        Assert.Equal(["entity", "metric", "period", "amount"], result.Columns.Select(c => c.Name));
        Assert.Equal(DemoDatabase.Entities.Order(StringComparer.Ordinal), Strings(result, "entity"));
        Assert.All(result.Rows, r => Assert.Equal(period, r[2].GetString()));
    }

    [Fact]
    public async Task RunDeclared_OptionalParameter_NarrowsToOneEntity()
    {
        string period = DemoDatabase.QuarterName(DemoClock.Today);

        QueryResult result = await Gateway.RunDeclaredAsync(Finance, Json.Args($$"""{"metric":"ebitda","period":"{{period}}","entity":"ACME-EU"}"""), Ct);

        IReadOnlyList<JsonElement> row = Assert.Single(result.Rows);
        decimal expected = Convert.ToDecimal(await Backend.ScalarAsync($"SELECT amount FROM finance WHERE metric = 'ebitda' AND period = '{period}' AND entity = 'ACME-EU'"), CultureInfo.InvariantCulture);
        Assert.Equal(expected, row[3].GetDecimal());
    }

    [Theory]
    [InlineData("""{"period":"2026-Q1"}""", "`metric` is required")]
    [InlineData("""{"metric":"profit","period":"2026-Q1"}""", "must be one of")]
    [InlineData("""{"metric":"revenue","period":"Q1 2026"}""", "pattern")]
    [InlineData("""{"metric":"revenue","period":"2026-Q1","region":"EU"}""", "not a parameter")]
    [InlineData("""{"metric":7,"period":"2026-Q1"}""", "must be a string")]
    public async Task RunDeclared_InvalidArguments_AreRefusedBeforeTheDatabase(string args, string message)
    {
        var ex = await Assert.ThrowsAsync<ToolInputException>(() => Gateway.RunDeclaredAsync(Finance, Json.Args(args), Ct));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunDeclared_MaxLength_CountsCharactersAsTheSchemaDoes()
    {
        // 26 emoji are 26 characters (code points) but 52 UTF-16 units; `entity` allows 50 characters.
        string emoji = string.Concat(Enumerable.Repeat("\U0001F600", 26));

        QueryResult result = await Gateway.RunDeclaredAsync(Finance, Json.Args($$"""{"metric":"revenue","period":"2026-Q1","entity":"{{emoji}}"}"""), Ct);
        var tooLong = await Assert.ThrowsAsync<ToolInputException>(() => Gateway.RunDeclaredAsync(Finance,
            Json.Args($$"""{"metric":"revenue","period":"2026-Q1","entity":"{{string.Concat(Enumerable.Repeat("\U0001F600", 51))}}"}"""), Ct));

        Assert.Equal(0, result.RowCount);
        Assert.Contains("at most 50 characters", tooLong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunDeclared_InjectionInArgument_IsBoundAsData()
    {
        string before = await Backend.FingerprintAsync();

        QueryResult result = await Gateway.RunDeclaredAsync(Finance,
            Json.Args("""{"metric":"revenue","period":"2026-Q1","entity":"x' OR '1'='1'; DROP TABLE finance; --"}"""), Ct);

        Assert.Equal(0, result.RowCount);
        Assert.Equal(before, await Backend.FingerprintAsync());
    }

    [Fact]
    public async Task RunDeclared_RowCap_TruncatesWithoutCursor()
    {
        DeclaredQuery all = DemoTools.Probe("SELECT id FROM invoices ORDER BY id", "all_invoices", maxRows: 25);

        QueryResult result = await Gateway.RunDeclaredAsync(all, new Dictionary<string, JsonElement>(), Ct);

        Assert.Equal(25, result.RowCount);
        Assert.True(result.Truncation.Truncated);
        Assert.Null(result.Truncation.NextCursor);
    }

    [Fact]
    public async Task Check_ReportsDeclaredStatementsThatDoNotPrepare()
    {
        DeclaredQuery broken = DemoTools.Probe("SELECT no_such_column FROM finance", "broken");

        CheckReport report = await Gateway.CheckAsync([Finance, broken], Ct);

        Assert.False(report.Ok);
        Assert.True(report.DeclaredQueries.Single(d => d.Name == "query_finance_data").Ok);
        DeclaredQueryCheck bad = report.DeclaredQueries.Single(d => d.Name == "broken");
        Assert.False(bad.Ok);
        Assert.DoesNotContain("no_such_column", bad.Problem, StringComparison.Ordinal);
    }

    // ---- injection in every identifier position ----

    [Theory]
    [MemberData(nameof(ContractData.HostileNames), MemberType = typeof(ContractData))]
    public async Task HostileIdentifiers_AreRefusedInEveryPosition_AndChangeNothing(string name)
    {
        string before = await Backend.FingerprintAsync();
        Func<Task>[] calls =
        [
            () => Gateway.DescribeTableAsync(name, Ct),
            () => Gateway.QueryAsync(new QuerySpec(name), Ct),
            () => Gateway.QueryAsync(new QuerySpec("invoices", Columns: [name]), Ct),
            () => Gateway.QueryAsync(new QuerySpec("invoices", Filters: [new FilterSpec(name, FilterOp.Eq, J("1"))]), Ct),
            () => Gateway.QueryAsync(new QuerySpec("invoices", OrderBy: [new OrderSpec(name)]), Ct),
            () => Gateway.AggregateAsync(new AggregateSpec("invoices", [new MetricSpec(MetricFunction.Count)], GroupBy: [new GroupSpec(name)]), Ct),
            () => Gateway.AggregateAsync(new AggregateSpec("invoices", [new MetricSpec(MetricFunction.Max, name)]), Ct),
            () => Gateway.AggregateAsync(new AggregateSpec("invoices", [new MetricSpec(MetricFunction.Count, As: "n")], OrderBy: [new OrderSpec(name)]), Ct),
            () => Gateway.AggregateAsync(new AggregateSpec("invoices", [new MetricSpec(MetricFunction.Count, As: "n")], Having: [new HavingSpec(name, FilterOp.Gt, J("1"))]), Ct),
        ];

        foreach (Func<Task> call in calls)
        {
            var ex = await Assert.ThrowsAsync<ToolInputException>(call);

            // The message may echo the (cleaned) input but never the SQL the server generates.
            Assert.DoesNotContain("AS t", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("JOIN", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await Backend.FingerprintAsync());
    }

    [Theory]
    [InlineData("\"'; DROP TABLE invoices; --\"")]
    [InlineData("\"x' OR '1'='1\"")]
    [InlineData("\"paid\\u0000\"")]
    [InlineData("\"paid' UNION SELECT ssn FROM hr.employees --\"")]
    public async Task HostileValues_AreBoundAsParameters_AndMatchNothing(string value)
    {
        string before = await Backend.FingerprintAsync();

        Exception? error = await Record.ExceptionAsync(async () =>
        {
            QueryResult result = await Gateway.QueryAsync(new QuerySpec("invoices", Filters: [new FilterSpec("status", FilterOp.Eq, J(value))]), Ct);
            Assert.Equal(0, result.RowCount);
        });

        // A NUL byte cannot be held by a database text value: it is refused as input, before the database sees it.
        Assert.True(error is null or ToolInputException, error?.ToString());
        Assert.Equal(value.Contains("\\u0000", StringComparison.Ordinal), error is ToolInputException);
        Assert.Equal(before, await Backend.FingerprintAsync());
    }

    [Fact]
    public async Task MetricAlias_WithSqlInIt_IsRefused()
    {
        await Assert.ThrowsAsync<ToolInputException>(() => Gateway.AggregateAsync(new AggregateSpec(
            "invoices", [new MetricSpec(MetricFunction.Count, As: "n\"; DROP TABLE invoices; --")]), Ct));
    }

    protected IDatabaseGateway Create(DatabaseOptions options)
    {
        Backend.RequireAvailable();
        return Backend.Create(options);
    }
}

/// <summary>Theory data of the contract tests (static members cannot live on the generic base).</summary>
public static class ContractData
{
    public static TheoryData<string, string, string, string> FilterCases => new()
    {
        { "status", "ne", "\"paid\"", "status <> 'paid'" },
        { "total", "lt", "100", "total < 100" },
        { "total", "le", "100.5", "total <= 100.5" },
        { "total", "ge", "\"5000\"", "total >= 5000" },
        { "customer_id", "in", "[1, 2, 3]", "customer_id IN (1, 2, 3)" },
        { "status", "not_in", "[\"paid\", \"void\"]", "status NOT IN ('paid', 'void')" },
        { "issued_on", "between", "[\"2025-01-01\", \"2025-03-31\"]", "issued_on BETWEEN '2025-01-01' AND '2025-03-31'" },
        { "invoice_number", "starts_with", "\"inv-2025\"", "invoice_number LIKE 'INV-2025%'" },
        { "notes", "contains", "\"DOCK 2\"", "notes LIKE '%dock 2%'" },
        { "notes", "is_null", "null", "notes IS NULL" },
        { "notes", "is_not_null", "null", "notes IS NOT NULL" },
        { "created_at", "gt", "\"2026-01-01T00:00:00\"", "created_at > '2026-01-01 00:00:00'" },
        { "id", "eq", "42", "id = 42" },
    };

    public static TheoryData<string> DeniedColumnUses => new() { "select", "filter", "order", "group", "metric", "path" };

    public static TheoryData<string> HostileNames => new()
    {
        "invoices; DROP TABLE invoices",
        "invoices\"; DROP TABLE invoices; --",
        "\"invoices\"",
        "invoices -- comment",
        "invoices/**/",
        "hr.employees",
        "main.sqlite_master",
        "pg_catalog.pg_authid",
        "information_schema.tables",
        "іnvoices",
        "invoices\u200b",
        "in\u202evoices",
        new string('x', 5000),
        "a.b.c",
        "",
        "customer.ssn",
        "customer.portal_password_hash",
        "hr.employees.ssn",
        "(SELECT 1)",
        "1; SELECT pg_sleep(10)",
    };
}

public sealed class SqliteGatewayContractTests(SqliteDemoBackend backend)
    : GatewayContractTests<SqliteDemoBackend>(backend), IClassFixture<SqliteDemoBackend>;

public sealed class PostgresGatewayContractTests(PostgresDemoBackend backend)
    : GatewayContractTests<PostgresDemoBackend>(backend), IClassFixture<PostgresDemoBackend>;

public sealed class MariaDbGatewayContractTests(MariaDbDemoBackend backend)
    : GatewayContractTests<MariaDbDemoBackend>(backend), IClassFixture<MariaDbDemoBackend>
{
    // MariaDB's gate measures estimated rows examined, which ignores LIMIT: the scan of 3 000 invoices.
    protected override DatabaseOptions SmallBudget => new() { MaxQueryCost = 5_000 };
}
