using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Database.Backend;

/// <summary>
/// A statement built from a spec, without its LIMIT/OFFSET: <see cref="Head"/> (SELECT … FROM … WHERE …) and
/// <see cref="Tail"/> (GROUP BY, HAVING, ORDER BY). <see cref="Scope"/> hashes the SQL and the bound values, so a
/// cursor issued for one query is refused for any other.
/// </summary>
internal sealed record BuiltQuery(
    string Head,
    string Tail,
    IReadOnlyList<SqlParameterValue> Parameters,
    IReadOnlyList<ResultColumn> Columns,
    IReadOnlyList<ValueHint> Hints,
    int Limit,
    string LimitReason,
    string Scope)
{
    /// <summary>The whole statement of the first page, without LIMIT/OFFSET.</summary>
    public string Sql => Head + Tail;

    /// <summary>
    /// Seek paging: the ORDER BY keys, ending with the primary key, when every one compares exactly with a bound
    /// value; null when the order has no key (views, tables without a primary key) and paging falls back to offsets.
    /// </summary>
    public IReadOnlyList<SeekKey>? SeekKeys { get; init; }

    /// <summary><see cref="Head"/> with the seek keys appended to the SELECT list (k0, k1 …), read back for the next cursor.</summary>
    public string? SeekHead { get; init; }

    /// <summary>Whether <see cref="Head"/> has a WHERE clause (a seek condition is then ANDed to it).</summary>
    public bool HasWhere { get; init; }

    /// <summary>
    /// Equality on every primary-key column of a table, compared exactly: at most one root row, each join a lookup
    /// by a unique key, so the plan is bounded whatever the values and a gateway may skip the cost estimate.
    /// </summary>
    public bool KeyLookup { get; init; }

    /// <summary>SELECT count(*) of the rows (or groups) every page is cut from, with the same <see cref="Parameters"/>.</summary>
    public string? CountSql { get; init; }
}

/// <summary>One ORDER BY key of a seek page: its expression, how a bound value compares with it, and its direction.</summary>
internal sealed record SeekKey(string Expression, ColumnKind Kind, bool Descending, bool Nullable);

/// <summary>
/// Turns query and aggregate specs into parameterised SQL for either dialect. Identifiers come only from the
/// catalog (and are always quoted); values only become parameters typed from the column they meet.
/// Paging runs over a total order: the requested order, then the primary key (or ctid/rowid, or every column for
/// views) as tiebreaker. Over a table with a primary key it seeks (the next page starts after the last row's key
/// values, so every row comes exactly once even while rows are inserted or deleted); otherwise it uses offsets, which
/// are exact only while the data is unchanged, and the result says so.
/// </summary>
internal sealed partial class QueryBuilder
{
    public const int MaxColumns = 100;
    public const int MaxMetrics = 20;
    public const int MaxGroups = 10;
    public const int MaxSortKeys = 20;
    // The caps bound what one call can make the database do: the planner's cost does not grow with the length of a
    // LIKE pattern, so fifty 100 KB `contains` values looked cheap to the cost gate while costing seconds of CPU.
    public const int MaxFilters = 20;
    public const int MaxListValues = 500;
    public const int MaxValueChars = 1000;
    public const int MaxPatternChars = 200;
    public const int MaxPathDepth = 3;

    private readonly Catalog _catalog;
    private readonly ISqlDialect _dialect;
    private readonly int _defaultLimit;
    private readonly int _maxLimit;

    public QueryBuilder(Catalog catalog, ISqlDialect dialect, int defaultLimit, int maxLimit)
    {
        _catalog = catalog;
        _dialect = dialect;
        _defaultLimit = defaultLimit;
        _maxLimit = maxLimit;
    }

    public BuiltQuery BuildQuery(QuerySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var ctx = new Context(_catalog, _dialect, _catalog.Resolve(spec.Table));
        IReadOnlyList<string> requested = spec.Columns is { Count: > 0 } cols ? cols : ctx.Root.Columns.Select(c => c.Name).ToList();
        if (requested.Count > MaxColumns)
        {
            throw new ToolInputException($"`columns` may name at most {MaxColumns} columns.");
        }

        var select = new List<string>();
        var columns = new List<ResultColumn>();
        var hints = new List<ValueHint>();
        for (int i = 0; i < requested.Count; i++)
        {
            Resolved r = ctx.Resolve(requested[i], $"columns[{i}]");
            select.Add($"{_dialect.Readable(r.Expression, r.Column.Kind)} AS c{i.ToString(CultureInfo.InvariantCulture)}");
            columns.Add(new ResultColumn(r.Path, r.Column.DataType));
            hints.Add(new ValueHint(r.Column.Kind, r.Column.Scale));
        }

        string where = BuildWhere(ctx, spec.Filters);
        var order = new List<string>();
        var keys = new List<SeekKey>();
        bool seekable = ctx.Root.PrimaryKey.Count > 0;
        var ordered = new HashSet<string>(StringComparer.Ordinal);
        foreach ((OrderSpec o, int i) in (spec.OrderBy ?? []).Select((o, i) => (o, i)))
        {
            Resolved r = ctx.Resolve(o.Column, $"order_by[{i}].column");
            if (r.Column.Kind == ColumnKind.Bytes)
            {
                throw new ToolInputException($"`order_by[{i}]`: binary column `{r.Path}` cannot be used for ordering.");
            }

            if (ordered.Add(r.Expression))
            {
                order.Add(Direction(_dialect.Orderable(r.Expression, r.Column.Kind), o.Descending));
                seekable &= _dialect.ComparesExactly(r.Column);

                // A joined column is null when the row has no related row, whatever its own nullability.
                keys.Add(new SeekKey(r.Expression, r.Column.Kind, o.Descending, r.Column.Nullable || !r.Expression.StartsWith("t.", StringComparison.Ordinal)));
            }
        }

        foreach (string tiebreak in Tiebreakers(ctx.Root).Where(ordered.Add))
        {
            order.Add(Direction(tiebreak, descending: false));
        }

        // The access policy drops a primary key with any hidden column, so every key column here is visible.
        foreach (CatalogColumn key in ctx.Root.PrimaryKey.Select(name => ctx.Root.FindColumn(name)!))
        {
            string expression = $"t.{_dialect.Quote(key.Name)}";
            seekable &= _dialect.ComparesExactly(key);
            if (!keys.Any(k => k.Expression == expression))
            {
                keys.Add(new SeekKey(expression, key.Kind, Descending: false, Nullable: false));
            }
        }

        string head = $"SELECT {string.Join(", ", select)}\n{ctx.FromClause()}{where}";
        string tail = "\nORDER BY " + string.Join(", ", order);
        BuiltQuery query = Finish(head, tail, ctx, columns, hints, spec.Limit, "query");
        return query with
        {
            HasWhere = where.Length > 0,
            SeekKeys = seekable ? keys : null,
            SeekHead = seekable
                ? $"SELECT {string.Join(", ", select.Concat(keys.Select((k, i) => $"{k.Expression} AS k{i.ToString(CultureInfo.InvariantCulture)}")))}\n{ctx.FromClause()}{where}"
                : null,
            KeyLookup = IsKeyLookup(ctx.Root, spec.Filters),
            CountSql = $"SELECT count(*)\n{ctx.FromClause()}{where}",
        };
    }

    /// <summary>Every primary-key column of a table filtered with eq on a value it compares with exactly (filters are ANDed).</summary>
    private bool IsKeyLookup(CatalogTable root, IReadOnlyList<FilterSpec>? filters) =>
        root.Kind == "table" && root.PrimaryKey.Count > 0 && root.PrimaryKey.All(key =>
            root.FindColumn(key) is { } column && _dialect.ComparesExactly(column)
            && (filters ?? []).Any(f => f is { Op: FilterOp.Eq, Value.ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.Array) }
                && string.Equals(root.FindColumn(f.Column ?? string.Empty)?.Name, column.Name, StringComparison.Ordinal)));

    public BuiltQuery BuildAggregate(AggregateSpec spec, ResolvedPeriod? period = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var ctx = new Context(_catalog, _dialect, _catalog.Resolve(spec.Table));
        if (spec.Metrics is not { Count: > 0 and <= MaxMetrics })
        {
            throw new ToolInputException("`metrics` must list between 1 and 20 metrics, e.g. {\"function\":\"sum\",\"column\":\"total\",\"as\":\"revenue\"} or {\"function\":\"count\"}.");
        }

        if (spec.GroupBy is { Count: > MaxGroups })
        {
            throw new ToolInputException($"`group_by` may list at most {MaxGroups} columns.");
        }

        var select = new List<string>();
        var groupExpressions = new List<string>();
        var columns = new List<ResultColumn>();
        var hints = new List<ValueHint>();
        // Ordering uses the output's raw expression: its SELECT form may be text (PostgreSQL numeric), which sorts wrongly.
        var outputs = new Dictionary<string, (string Alias, string Expression, ColumnKind Kind, string Type)>(StringComparer.OrdinalIgnoreCase);
        var groupPaths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        foreach ((GroupSpec g, int i) in (spec.GroupBy ?? []).Select((g, i) => (g, i)))
        {
            Resolved r = ctx.Resolve(g.Column, $"group_by[{i}].column");
            string alias = "g" + i.ToString(CultureInfo.InvariantCulture);
            string expression;
            string name;
            ValueHint hint;
            string type;
            if (g.Bucket is { } bucket)
            {
                if (r.Column.Kind is not (ColumnKind.Date or ColumnKind.Timestamp or ColumnKind.TimestampTz))
                {
                    throw new ToolInputException(
                        $"`group_by[{i}]`: time bucket `{bucket.Name()}` needs a date or timestamp column; `{r.Path}` is {r.Column.DataType}. Date columns here: {Describe.List(ctx.Root.Columns.Where(c => c.Kind is ColumnKind.Date or ColumnKind.Timestamp or ColumnKind.TimestampTz).Select(c => c.Name))}.");
                }

                expression = _dialect.TimeBucket(r.Expression, bucket);
                name = $"{r.Path}_{bucket.Name()}";
                hint = new ValueHint(ColumnKind.Date);
                type = "date";
            }
            else
            {
                if (r.Column.Kind is ColumnKind.Bytes)
                {
                    throw new ToolInputException($"`group_by[{i}]`: binary column `{r.Path}` cannot be grouped.");
                }

                expression = _dialect.Orderable(r.Expression, r.Column.Kind);
                name = r.Path;
                hint = new ValueHint(r.Column.Kind, r.Column.Scale);
                type = r.Column.DataType;
            }

            AddOutput(outputs, name, (alias, expression, hint.Kind, type), $"group_by[{i}]");
            groupPaths.TryAdd(r.Path, expression);
            select.Add($"{_dialect.Readable(expression, hint.Kind)} AS {alias}");
            groupExpressions.Add(expression);
            columns.Add(new ResultColumn(name, type));
            hints.Add(hint);
        }

        var metricExpressions = new Dictionary<string, (string Expression, ColumnKind Kind, string Type)>(StringComparer.OrdinalIgnoreCase);
        foreach ((MetricSpec m, int i) in spec.Metrics.Select((m, i) => (m, i)))
        {
            (string expression, string name, ValueHint hint, string type) = BuildMetric(ctx, m, i);
            string alias = "m" + i.ToString(CultureInfo.InvariantCulture);
            AddOutput(outputs, name, (alias, expression, hint.Kind, type), $"metrics[{i}]");
            metricExpressions[name] = (expression, hint.Kind, type);
            select.Add($"{_dialect.Readable(expression, hint.Kind)} AS {alias}");
            columns.Add(new ResultColumn(name, type));
            hints.Add(hint);
        }

        string where = BuildWhere(ctx, spec.Filters, PeriodCondition(ctx, period, spec.PeriodColumn));
        var having = new List<string>();
        foreach ((HavingSpec h, int i) in (spec.Having ?? []).Select((h, i) => (h, i)))
        {
            if (!metricExpressions.TryGetValue(h.Metric ?? string.Empty, out var metric))
            {
                throw new ToolInputException($"`having[{i}].metric` `{Describe.Input(h.Metric)}` is not one of the metrics of this call: {Describe.List(metricExpressions.Keys)}.");
            }

            if (h.Op is not (FilterOp.Eq or FilterOp.Ne or FilterOp.Lt or FilterOp.Le or FilterOp.Gt or FilterOp.Ge or FilterOp.Between))
            {
                throw new ToolInputException($"`having[{i}].op` must be one of eq, ne, lt, le, gt, ge, between.");
            }

            var column = new CatalogColumn(h.Metric!, metric.Type, metric.Kind, true, null, null);
            having.Add(Condition(ctx, metric.Expression, column, h.Metric!, h.Op, h.Value, $"having[{i}]"));
        }

        var order = new List<string>();
        var orderedAliases = new HashSet<string>(StringComparer.Ordinal);
        foreach ((OrderSpec o, int i) in (spec.OrderBy ?? []).Select((o, i) => (o, i)))
        {
            string? expression = outputs.TryGetValue(o.Column ?? string.Empty, out var output) ? output.Expression
                : groupPaths.TryGetValue(o.Column ?? string.Empty, out string? groupExpression) ? groupExpression
                : null;
            if (expression is null)
            {
                throw new ToolInputException($"`order_by[{i}].column` `{Describe.Input(o.Column)}` must name a group or metric of this call: {Describe.List(outputs.Keys)}.");
            }

            if (orderedAliases.Add(expression))
            {
                order.Add(Direction(expression, o.Descending));
            }
        }

        // Group keys are unique per row, so they complete the total order that paging relies on.
        foreach (string expression in groupExpressions.Where(orderedAliases.Add))
        {
            order.Add(Direction(expression, descending: false));
        }

        var groups = new StringBuilder();
        if (groupExpressions.Count > 0)
        {
            groups.Append("\nGROUP BY ").AppendJoin(", ", groupExpressions);
        }

        if (having.Count > 0)
        {
            groups.Append("\nHAVING ").AppendJoin(" AND ", having);
        }

        string head = $"SELECT {string.Join(", ", select)}\n{ctx.FromClause()}{where}";
        string tail = groups + (order.Count > 0 ? "\nORDER BY " + string.Join(", ", order) : string.Empty);
        return Finish(head, tail, ctx, columns, hints, spec.Limit, "aggregate") with
        {
            HasWhere = where.Length > 0,
            // Without groups the result is one row, never cut.
            CountSql = groupExpressions.Count > 0 ? $"SELECT count(*) FROM (SELECT 1 AS one\n{ctx.FromClause()}{where}{groups}) AS counted" : null,
        };
    }

    private (string Expression, string Name, ValueHint Hint, string Type) BuildMetric(Context ctx, MetricSpec m, int i)
    {
        if (m.As is { } label && !OutputName().IsMatch(label))
        {
            throw new ToolInputException($"`metrics[{i}].as` must be 1-63 letters, digits or underscores, starting with a letter or underscore.");
        }

        if (m.Column is null)
        {
            if (m.Function != MetricFunction.Count)
            {
                throw new ToolInputException($"`metrics[{i}]`: {m.Function.Name()} needs a `column`.");
            }

            return ("count(*)", m.As ?? "count", new ValueHint(ColumnKind.Integer), "bigint");
        }

        Resolved r = ctx.Resolve(m.Column, $"metrics[{i}].column");
        ColumnKind kind = r.Column.Kind;
        bool numeric = kind is ColumnKind.Integer or ColumnKind.Decimal or ColumnKind.Float;
        string name = m.As ?? $"{m.Function.Name()}_{r.Path.Replace('.', '_')}";
        string expression = _dialect.Orderable(r.Expression, r.Column.Kind);
        switch (m.Function)
        {
            case MetricFunction.Count:
                return ($"count({r.Expression})", name, new ValueHint(ColumnKind.Integer), "bigint");
            case MetricFunction.CountDistinct when kind is not (ColumnKind.Bytes or ColumnKind.Json):
                return ($"count(DISTINCT {expression})", name, new ValueHint(ColumnKind.Integer), "bigint");
            case MetricFunction.Sum when numeric:
                return ($"sum({r.Expression})", name, new ValueHint(kind == ColumnKind.Integer ? ColumnKind.Integer : kind, r.Column.Scale), kind == ColumnKind.Float ? r.Column.DataType : "numeric");
            case MetricFunction.Avg when numeric:
                return ($"avg({r.Expression})", name, new ValueHint(ColumnKind.Decimal, r.Column.Scale is { } s ? Math.Max(s, 4) : 6), "numeric");
            // Only kinds both backends order: PostgreSQL has no min/max for uuid (nor for json, bytea, boolean).
            case MetricFunction.Min or MetricFunction.Max when kind is not (ColumnKind.Bytes or ColumnKind.Json or ColumnKind.Boolean or ColumnKind.Uuid):
                return ($"{m.Function.Name()}({expression})", name, new ValueHint(kind, r.Column.Scale), r.Column.DataType);
            default:
                string need = m.Function is MetricFunction.Sum or MetricFunction.Avg ? "a numeric column" : "a comparable column";
                throw new ToolInputException($"`metrics[{i}]`: {m.Function.Name()} needs {need}; `{r.Path}` is {r.Column.DataType}.");
        }
    }

    /// <summary>start &lt;= column &lt; end, with the bounds typed like the column (instants for timestamptz, in the period's time zone).</summary>
    private static string? PeriodCondition(Context ctx, ResolvedPeriod? period, string? periodColumn)
    {
        if (period is null)
        {
            if (periodColumn is not null)
            {
                throw new ToolInputException("`period_column` only applies together with `period` (e.g. this_quarter or 2026-Q4).");
            }

            return null;
        }

        static bool IsDate(CatalogColumn c) => c.Kind is ColumnKind.Date or ColumnKind.Timestamp or ColumnKind.TimestampTz;
        Resolved column;
        if (periodColumn is null)
        {
            var dates = ctx.Root.Columns.Where(IsDate).ToList();
            if (dates.Count != 1)
            {
                throw new ToolInputException(dates.Count == 0
                    ? $"`period` needs a date column, and `{ctx.Root.QualifiedName}` has none; name one reached along a foreign key in `period_column` (e.g. invoice.issued_on)."
                    : $"`period` needs `period_column`: `{ctx.Root.QualifiedName}` has several date columns ({Describe.List(dates.Select(c => c.Name))}).");
            }

            column = ctx.Resolve(dates[0].Name, "period_column");
        }
        else
        {
            column = ctx.Resolve(periodColumn, "period_column");
            if (!IsDate(column.Column))
            {
                throw new ToolInputException($"`period_column` `{column.Path}` is {column.Column.DataType}; it must be a date or timestamp column.");
            }
        }

        (object start, object end) = column.Column.Kind switch
        {
            ColumnKind.Date => ((object)period.Start, (object)period.End),
            ColumnKind.Timestamp => (period.Start.ToDateTime(TimeOnly.MinValue), period.End.ToDateTime(TimeOnly.MinValue)),
            _ => (Instant(period.Start, period.TimeZone), Instant(period.End, period.TimeZone)),
        };
        return $"{column.Expression} >= {ctx.Bind(start, column.Column.Kind)} AND {column.Expression} < {ctx.Bind(end, column.Column.Kind)}";

        static DateTime Instant(DateOnly day, TimeZoneInfo zone) => LocalMidnightUtc(day, zone);
    }

    /// <summary>
    /// The instant a day starts in <paramref name="zone"/>. Where a daylight-saving jump skips midnight (America/Asuncion,
    /// America/Santiago…), the day starts at the first local time that exists, the end of the gap.
    /// </summary>
    internal static DateTime LocalMidnightUtc(DateOnly day, TimeZoneInfo zone)
    {
        DateTime local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        for (int minutes = 0; zone.IsInvalidTime(local) && minutes < 24 * 60; minutes += 15)
        {
            local = local.AddMinutes(15);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    private string BuildWhere(Context ctx, IReadOnlyList<FilterSpec>? filters, string? extra = null)
    {
        var conditions = new List<string>();
        if (extra is not null)
        {
            conditions.Add(extra);
        }

        filters ??= [];
        if (filters.Count > MaxFilters)
        {
            throw new ToolInputException($"At most {MaxFilters} filters are allowed.");
        }

        for (int i = 0; i < filters.Count; i++)
        {
            FilterSpec f = filters[i] ?? throw new ToolInputException($"`filters[{i}]` is empty.");
            Resolved r = ctx.Resolve(f.Column, $"filters[{i}].column");
            conditions.Add(Condition(ctx, r.Expression, r.Column, r.Path, f.Op, f.Value, $"filters[{i}]"));
        }

        return conditions.Count == 0 ? string.Empty : "\nWHERE " + string.Join("\n  AND ", conditions);
    }

    private string Condition(Context ctx, string expression, CatalogColumn column, string path, FilterOp op, JsonElement? value, string where)
    {
        string subject = $"`{where}` on `{path}`";
        if (op is FilterOp.IsNull or FilterOp.IsNotNull)
        {
            return op == FilterOp.IsNull ? $"{expression} IS NULL" : $"{expression} IS NOT NULL";
        }

        if (column.Kind == ColumnKind.Bytes)
        {
            throw new ToolInputException($"{subject}: binary columns only support is_null and is_not_null.");
        }

        if (value is not { } v || v.ValueKind is JsonValueKind.Undefined)
        {
            throw new ToolInputException($"{subject}: operator `{op.Name()}` needs a `value`.");
        }

        // Enums, arrays and json are compared through their text form so that the parameter type is always known.
        string target = column.Kind is ColumnKind.Other or ColumnKind.Json ? _dialect.AsText(expression) : expression;
        switch (op)
        {
            case FilterOp.In or FilterOp.NotIn:
                if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() is 0 or > MaxListValues)
                {
                    throw new ToolInputException($"{subject}: `{op.Name()}` needs an array of 1-{MaxListValues} values.");
                }

                var placeholders = v.EnumerateArray().Select(item => ctx.Bind(Value(item, column.Kind, subject, column.DataType), column.Kind)).ToList();
                return $"{target} {(op == FilterOp.In ? "IN" : "NOT IN")} ({string.Join(", ", placeholders)})";
            case FilterOp.Between:
                if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2)
                {
                    throw new ToolInputException($"{subject}: `between` needs an array of two values [low, high] (both inclusive).");
                }

                string low = ctx.Bind(Value(v[0], column.Kind, subject, column.DataType), column.Kind);
                string high = ctx.Bind(Value(v[1], column.Kind, subject, column.DataType), column.Kind);
                return $"{target} BETWEEN {low} AND {high}";
            case FilterOp.Contains or FilterOp.StartsWith:
                if (column.Kind is not (ColumnKind.Text or ColumnKind.Other or ColumnKind.Json or ColumnKind.Uuid))
                {
                    throw new ToolInputException($"{subject}: `{op.Name()}` works on text columns only; `{path}` is {column.DataType} (use eq, lt, gt or between).");
                }

                if (v.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(v.GetString()))
                {
                    throw new ToolInputException($"{subject}: `{op.Name()}` needs a non-empty string.");
                }

                // Also keeps the pattern far inside SQLite's LIKE pattern limit (50 000 bytes by default).
                if (v.GetString()!.EnumerateRunes().Count() > MaxPatternChars)
                {
                    throw new ToolInputException($"{subject}: `{op.Name()}` takes at most {MaxPatternChars} characters; search for a shorter, distinctive part.");
                }

                string pattern = EscapeLike(ValueConverter.CheckText(v.GetString()!, subject));
                pattern = op == FilterOp.Contains ? $"%{pattern}%" : $"{pattern}%";
                return _dialect.CaseInsensitiveLike(_dialect.AsText(expression), ctx.Bind(pattern, ColumnKind.Text));
            default:
                if (v.ValueKind == JsonValueKind.Array)
                {
                    throw new ToolInputException($"{subject}: `{op.Name()}` needs a single value; use `in` for a list.");
                }

                string p = ctx.Bind(Value(v, column.Kind, subject, column.DataType), column.Kind);
                string sqlOp = op switch
                {
                    FilterOp.Eq => "=",
                    FilterOp.Ne => "<>",
                    FilterOp.Lt => "<",
                    FilterOp.Le => "<=",
                    FilterOp.Gt => ">",
                    _ => ">=",
                };
                return $"{target} {sqlOp} {p}";
        }
    }

    /// <summary>A filter value, capped in length before it is converted (the parameter description states the cap; JSON Schema cannot say it for a value of any type).</summary>
    private static object Value(JsonElement value, ColumnKind kind, string subject, string typeName)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString()!.EnumerateRunes().Count() > MaxValueChars)
        {
            throw new ToolInputException($"{subject}: a value may be at most {MaxValueChars} characters.");
        }

        return ValueConverter.Convert(value, kind, subject, typeName);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private IEnumerable<string> Tiebreakers(CatalogTable root)
    {
        if (root.PrimaryKey.Count > 0)
        {
            return root.PrimaryKey.Select(c => $"t.{_dialect.Quote(c)}");
        }

        if (_dialect.RowIdentity(root, "t") is { } rowId)
        {
            return [rowId];
        }

        // A view has no row identity: ordering by every column makes equal rows indistinguishable, so offsets stay exact.
        return root.Columns.Where(c => c.Kind != ColumnKind.Bytes).Select(c => _dialect.Orderable($"t.{_dialect.Quote(c.Name)}", c.Kind));
    }

    private string Direction(string expression, bool descending) => _dialect.OrderTerm(expression, descending);

    private BuiltQuery Finish(string head, string tail, Context ctx, List<ResultColumn> columns, List<ValueHint> hints, int? requestedLimit, string operation)
    {
        if (requestedLimit is < 1)
        {
            throw new ToolInputException($"`limit` must be at least 1 (at most {_maxLimit}).");
        }

        int limit = Math.Min(requestedLimit ?? _defaultLimit, _maxLimit);
        string reason = requestedLimit > _maxLimit
            ? $"row limit {_maxLimit}, the administrator's maximum"
            : $"row limit {limit}";
        return new BuiltQuery(head, tail, ctx.Parameters, columns, hints, limit, reason, ScopeOf(operation, head + tail, ctx.Parameters));
    }

    private static string ScopeOf(string operation, string sql, IReadOnlyList<SqlParameterValue> parameters)
    {
        var text = new StringBuilder(sql);
        foreach (SqlParameterValue p in parameters)
        {
            text.Append('\u001f').Append(p.Kind).Append(':').Append(System.Convert.ToString(p.Value, CultureInfo.InvariantCulture));
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return $"mcp-database:{operation}:{System.Convert.ToHexString(hash, 0, 16)}";
    }

    private static void AddOutput<T>(Dictionary<string, T> outputs, string name, T value, string where)
    {
        if (!outputs.TryAdd(name, value))
        {
            throw new ToolInputException($"`{where}` produces the output name `{name}` twice; give metrics distinct `as` names.");
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex OutputName();

    private sealed record Resolved(string Expression, CatalogColumn Column, string Path);

    /// <summary>Per-statement state: the root table, joins reached along foreign keys, and bound parameters.</summary>
    private sealed class Context
    {
        private readonly Catalog _catalog;
        private readonly ISqlDialect _dialect;
        private readonly List<string> _joins = [];
        private readonly Dictionary<string, (string Alias, CatalogTable Table)> _joinByPath = new(StringComparer.Ordinal);
        private readonly List<SqlParameterValue> _parameters = [];

        public Context(Catalog catalog, ISqlDialect dialect, CatalogTable root)
        {
            _catalog = catalog;
            _dialect = dialect;
            Root = root;
        }

        public CatalogTable Root { get; }

        public IReadOnlyList<SqlParameterValue> Parameters => _parameters;

        public string Bind(object value, ColumnKind kind)
        {
            _parameters.Add(new SqlParameterValue(value, kind));
            return _dialect.Placeholder(_parameters.Count - 1);
        }

        public string FromClause()
        {
            string from = $"FROM {_dialect.Quote(Root.Schema)}.{_dialect.Quote(Root.Name)} AS t";
            return _joins.Count == 0 ? from : from + "\n" + string.Join("\n", _joins);
        }

        public Resolved Resolve(string? name, string parameterName)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 400)
            {
                throw new ToolInputException($"`{parameterName}` must name a column (1-400 characters), e.g. `total` or `customer.name`.");
            }

            if (Root.FindColumn(name) is { } direct)
            {
                return new Resolved($"t.{_dialect.Quote(direct.Name)}", direct, direct.Name);
            }

            string[] parts = name.Split('.');
            if (parts.Length == 1 || parts.Length - 1 > MaxPathDepth)
            {
                throw Unknown(name, parameterName, Root);
            }

            CatalogTable table = Root;
            string alias = "t";
            var path = new StringBuilder();
            for (int i = 0; i < parts.Length - 1; i++)
            {
                CatalogForeignKey fk = table.FindRelation(parts[i]) ?? throw Unknown(name, parameterName, table);
                path.Append(fk.Relation).Append('.');
                string key = path.ToString();
                if (!_joinByPath.TryGetValue(key, out var join))
                {
                    CatalogTable target = _catalog.Find(fk.TargetSchema, fk.TargetTable)
                        ?? throw Unknown(name, parameterName, table);
                    string joinAlias = "j" + _joinByPath.Count.ToString(CultureInfo.InvariantCulture);
                    IReadOnlyList<string> targetColumns = fk.TargetColumns.Count == fk.Columns.Count ? fk.TargetColumns : target.PrimaryKey;
                    if (targetColumns.Count != fk.Columns.Count)
                    {
                        throw Unknown(name, parameterName, table);
                    }

                    string on = string.Join(" AND ", fk.Columns.Select((c, k) =>
                        $"{joinAlias}.{_dialect.Quote(targetColumns[k])} = {alias}.{_dialect.Quote(c)}"));
                    _joins.Add($"LEFT JOIN {_dialect.Quote(target.Schema)}.{_dialect.Quote(target.Name)} AS {joinAlias} ON {on}");
                    join = (joinAlias, target);
                    _joinByPath[key] = join;
                }

                alias = join.Alias;
                table = join.Table;
            }

            CatalogColumn column = table.FindColumn(parts[^1]) ?? throw Unknown(name, parameterName, table);
            return new Resolved($"{alias}.{_dialect.Quote(column.Name)}", column, path + column.Name);
        }

        private static ToolInputException Unknown(string name, string parameterName, CatalogTable table)
        {
            string related = table.ForeignKeys.Count == 0
                ? string.Empty
                : $" Related tables (many-to-one): {Describe.List(table.ForeignKeys.Select(f => $"{f.Relation}.<column> → {f.TargetSchema}.{f.TargetTable}"))}.";
            return new ToolInputException(
                $"`{parameterName}`: column `{Describe.Input(name)}` does not exist in `{table.QualifiedName}`. Columns: {Describe.List(table.Columns.Select(c => c.Name))}.{related}");
        }
    }
}
