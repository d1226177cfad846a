using System.Globalization;

namespace McpServers.Database.Backend;

/// <summary>
/// MySQL and MariaDB. A "schema" is a MySQL database, so the default schema is the connection's database. The
/// gateway pins <c>sql_mode</c> per call (backslash escapes on, no ANSI_QUOTES), which the literals below rely on.
/// </summary>
internal sealed class MySqlDialect(string database) : ISqlDialect
{
    public string Name => "MySQL";

    public string DefaultSchema => database;

    // Backticks work whatever ANSI_QUOTES says; an embedded backtick is doubled.
    public string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    public string Placeholder(int index) => "@p" + index.ToString(CultureInfo.InvariantCulture);

    // time_zone is pinned to +00:00 per call, so TIMESTAMP values convert deterministically. WEEKDAY() is 0 on Monday.
    public string TimeBucket(string expression, TimeBucket bucket) => bucket switch
    {
        Backend.TimeBucket.Day => $"DATE({expression})",
        Backend.TimeBucket.Week => $"(DATE({expression}) - INTERVAL WEEKDAY({expression}) DAY)",
        Backend.TimeBucket.Month => $"(DATE({expression}) - INTERVAL (DAYOFMONTH({expression}) - 1) DAY)",
        Backend.TimeBucket.Quarter => $"(MAKEDATE(YEAR({expression}), 1) + INTERVAL (QUARTER({expression}) - 1) QUARTER)",
        _ => $"MAKEDATE(YEAR({expression}), 1)",
    };

    // Whether LIKE ignores case depends on each column's collation (a _bin or binary column does not); lowering both
    // sides makes it case-insensitive everywhere. '\\' is one backslash: the pinned sql_mode keeps backslash escapes.
    public string CaseInsensitiveLike(string expression, string placeholder) =>
        $"LOWER({expression}) LIKE LOWER({placeholder}) ESCAPE '\\\\'";

    // DECIMAL travels as text so that no digit is lost to System.Decimal's range; JSON, enums, sets, bits as text.
    public string Readable(string expression, ColumnKind kind) =>
        kind is ColumnKind.Json or ColumnKind.Other or ColumnKind.Decimal ? AsText(expression) : expression;

    public string Orderable(string expression, ColumnKind kind) =>
        kind is ColumnKind.Json ? AsText(expression) : expression;

    public string AsText(string expression) => $"CAST({expression} AS CHAR)";

    // No physical row id: the query builder orders by the primary key, or by every column when there is none.
    public string? RowIdentity(CatalogTable table, string alias) => null;

    public string Page(int limit, int offset) =>
        string.Create(CultureInfo.InvariantCulture, $"\nLIMIT {limit} OFFSET {offset}");

    // NULL sorts first ascending and last descending here; "x IS NULL" first puts NULLs last in both directions.
    public string OrderTerm(string expression, bool descending) =>
        descending ? $"{expression} DESC" : $"({expression}) IS NULL, {expression} ASC";
}
