using System.Globalization;

namespace McpServers.Database.Backend;

/// <summary>A value bound as a parameter, typed from the column (or declared parameter) it is compared with.</summary>
internal sealed record SqlParameterValue(object? Value, ColumnKind Kind);

/// <summary>How a result column is written: SQLite stores booleans as integers and decimals as REAL, so it needs the catalog's view.</summary>
internal sealed record ValueHint(ColumnKind Kind, int? Scale = null)
{
    public static ValueHint None { get; } = new(ColumnKind.Other);
}

/// <summary>Generated SQL: identifiers from the catalog, values as parameters, never text from the model.</summary>
internal sealed record BuiltStatement(string Sql, IReadOnlyList<SqlParameterValue> Parameters)
{
    /// <summary>The plan is bounded by a key lookup (<see cref="BuiltQuery.KeyLookup"/>): no cost estimate is needed.</summary>
    public bool BoundedPlan { get; init; }

    /// <summary>Run only if cheap (a tenth of the cost budget): a row count that is a courtesy, never worth a heavy scan.</summary>
    public bool CheapOnly { get; init; }
}

/// <summary>The differences between PostgreSQL, MySQL/MariaDB and SQLite that the query builder needs to know about.</summary>
internal interface ISqlDialect
{
    string Name { get; }

    string DefaultSchema { get; }

    /// <summary>Quotes an identifier taken from the catalog (both dialects double embedded quotes).</summary>
    string Quote(string identifier);

    string Placeholder(int index);

    /// <summary>The first day of the bucket as a date (ISO text in SQLite).</summary>
    string TimeBucket(string expression, TimeBucket bucket);

    string CaseInsensitiveLike(string expression, string placeholder);

    /// <summary>Expression used in a SELECT list: types the driver cannot read exactly (wide numerics, json, arrays, enums) become text.</summary>
    string Readable(string expression, ColumnKind kind);

    /// <summary>Expression used in ORDER BY, GROUP BY and DISTINCT: types without ordering or equality (json) become text.</summary>
    string Orderable(string expression, ColumnKind kind);

    /// <summary>Expression used to compare columns that are neither text nor a known scalar type (enums, arrays, json) with a string.</summary>
    string AsText(string expression);

    /// <summary>A physical row identity used as the last ordering tiebreaker when there is no visible primary key.</summary>
    string? RowIdentity(CatalogTable table, string alias);

    string Page(int limit, int offset);

    /// <summary>
    /// Whether a value bound for this column compares exactly as the column orders and is indexed: seek paging and the
    /// key-lookup shortcut rely on it. Only types whose parameters have the column's own comparison qualify.
    /// </summary>
    bool ComparesExactly(CatalogColumn column) => column.Kind == ColumnKind.Integer;

    /// <summary>One ORDER BY term with NULLs last in either direction (MySQL and MariaDB have no NULLS LAST clause).</summary>
    string OrderTerm(string expression, bool descending) =>
        descending ? $"{expression} DESC NULLS LAST" : $"{expression} ASC NULLS LAST";
}

internal sealed class PostgresDialect : ISqlDialect
{
    public static PostgresDialect Instance { get; } = new();

    public string Name => "PostgreSQL";

    public string DefaultSchema => "public";

    public string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // Positional parameters: Npgsql sends them as-is, with no client-side SQL rewriting.
    public string Placeholder(int index) => "$" + (index + 1).ToString(CultureInfo.InvariantCulture);

    // TimeZone is pinned to UTC per transaction, so the timestamptz → timestamp cast is deterministic.
    public string TimeBucket(string expression, TimeBucket bucket) =>
        $"date_trunc('{bucket.Name()}', ({expression})::timestamp)::date";

    public string CaseInsensitiveLike(string expression, string placeholder) => $"{expression} ILIKE {placeholder} ESCAPE '\\'";

    // numeric travels as text so that no digit is lost to System.Decimal's 28-digit range.
    public string Readable(string expression, ColumnKind kind) =>
        kind is ColumnKind.Json or ColumnKind.Other or ColumnKind.Decimal ? $"({expression})::text" : expression;

    public string Orderable(string expression, ColumnKind kind) =>
        kind is ColumnKind.Json ? $"({expression})::text" : expression;

    public string AsText(string expression) => $"({expression})::text";

    public string? RowIdentity(CatalogTable table, string alias) =>
        table.Kind is "table" or "materialized view" ? $"{alias}.ctid" : null;

    // char(n) (blank-padded), citext, name and domains compare with a text parameter through a cast, not their own
    // operator and index; numeric and float keys are left out (text transport, NaN ordering).
    public bool ComparesExactly(CatalogColumn column) => column.Kind switch
    {
        ColumnKind.Integer or ColumnKind.Uuid or ColumnKind.Date or ColumnKind.Timestamp or ColumnKind.TimestampTz or ColumnKind.Boolean => true,
        ColumnKind.Text => column.DataType == "text" || column.DataType.StartsWith("character varying", StringComparison.Ordinal),
        _ => false,
    };

    public string Page(int limit, int offset) =>
        string.Create(CultureInfo.InvariantCulture, $"\nLIMIT {limit} OFFSET {offset}");
}

internal sealed class SqliteDialect : ISqlDialect
{
    public static SqliteDialect Instance { get; } = new();

    public string Name => "SQLite";

    public string DefaultSchema => "main";

    public string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public string Placeholder(int index) => "@p" + index.ToString(CultureInfo.InvariantCulture);

    // Dates are ISO text in SQLite; the date() modifiers compute the first day of each bucket (weeks start Monday).
    public string TimeBucket(string expression, TimeBucket bucket) => bucket switch
    {
        Backend.TimeBucket.Day => $"date({expression})",
        Backend.TimeBucket.Week => $"date({expression}, 'weekday 0', '-6 days')",
        Backend.TimeBucket.Month => $"date({expression}, 'start of month')",
        Backend.TimeBucket.Quarter =>
            $"date({expression}, 'start of month', '-' || ((CAST(strftime('%m', {expression}) AS INTEGER) - 1) % 3) || ' months')",
        _ => $"date({expression}, 'start of year')",
    };

    // SQLite's LIKE is case-insensitive for ASCII letters only (documented limitation of the built-in LIKE).
    public string CaseInsensitiveLike(string expression, string placeholder) => $"{expression} LIKE {placeholder} ESCAPE '\\'";

    public string Readable(string expression, ColumnKind kind) => expression;

    public string Orderable(string expression, ColumnKind kind) => expression;

    public string AsText(string expression) => expression;

    public string? RowIdentity(CatalogTable table, string alias) => table.Kind == "table" ? $"{alias}.rowid" : null;

    // Dates and times are text in SQLite, in whatever format the rows were written; only integers and text seek exactly.
    public bool ComparesExactly(CatalogColumn column) => column.Kind is ColumnKind.Integer or ColumnKind.Text;

    public string Page(int limit, int offset) =>
        string.Create(CultureInfo.InvariantCulture, $"\nLIMIT {limit} OFFSET {offset}");
}
