using System.Globalization;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;

namespace McpServers.Database.Options;

/// <summary>
/// Every setting of mcp-database. Keys live at the configuration root (environment prefix <c>MCP_DATABASE__</c>,
/// so <c>MCP_DATABASE__ConnectionString</c> binds <see cref="ConnectionString"/>). Lists accept either a
/// comma-separated string or indexed children (<c>AllowedSchemas:0</c>); durations a time span or whole seconds.
/// </summary>
public sealed record DatabaseOptions
{
    public const string EnvironmentPrefix = "MCP_DATABASE__";

    /// <summary>
    /// A <c>postgres://</c> or <c>mysql://</c> (<c>mariadb://</c>) URI, or a keyword string (Npgsql's, or MySqlConnector's
    /// with <see cref="Provider"/>). See <see cref="ConnectionResolver"/>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Which driver reads a keyword <see cref="ConnectionString"/>: <c>postgresql</c> (default), <c>mysql</c> or
    /// <c>mariadb</c> (the same driver). A URI's scheme decides on its own.
    /// </summary>
    public string? Provider { get; set; }

    internal static bool IsMySqlProvider(string provider) =>
        provider.Trim().ToLowerInvariant() is "mysql" or "mariadb";

    internal static bool IsKnownProvider(string provider) =>
        IsMySqlProvider(provider) || provider.Trim().ToLowerInvariant() is "postgresql" or "postgres";

    /// <summary>Password when the connection string has none (<c>PGPASSWORD</c>, <c>MCP_DATABASE__Password</c>, or their <c>_FILE</c>).</summary>
    public string? Password { get; set; }

    /// <summary>Serve a generated sample database (SQLite) instead of a real one.</summary>
    public bool Demo { get; set; }

    /// <summary>Path of a SQLite file to serve, opened read-only.</summary>
    public string? SqlitePath { get; set; }

    /// <summary>Schemas the model may see. Empty means the backend default: <c>public</c> (PostgreSQL), the connection's database (MySQL) or <c>main</c> (SQLite).</summary>
    public IReadOnlyList<string> AllowedSchemas { get; set; } = [];

    /// <summary>Glob patterns (<c>*</c>, <c>?</c>, case-insensitive) over <c>schema.table</c>, or over the table name when the pattern has no dot.</summary>
    public IReadOnlyList<string> DeniedTables { get; set; } = [];

    /// <summary>Glob patterns over <c>schema.table.column</c>, or over the column name when the pattern has no dot.</summary>
    public IReadOnlyList<string> DeniedColumns { get; set; } = DefaultDeniedColumns;

    /// <summary>Planner cost (PostgreSQL, MySQL) or estimated rows examined (MariaDB) above which a statement is refused before it runs.</summary>
    public double MaxQueryCost { get; set; } = 100_000;

    /// <summary>SQLite's stand-in for the cost gate: virtual-machine instructions one statement may execute.</summary>
    public long MaxSqliteSteps { get; set; } = 50_000_000;

    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public int DefaultRowLimit { get; set; } = 100;

    /// <summary>The administrator's maximum; the model can ask for fewer rows, never more.</summary>
    public int MaxRowLimit { get; set; } = 1000;

    public int MaxCellChars { get; set; } = 2000;

    public int MaxResponseBytes { get; set; } = 256 * 1024;

    /// <summary>Refuse to serve when the database role or user could write (superuser/SUPER, INSERT/UPDATE/DELETE/TRUNCATE/CREATE…).</summary>
    public bool RequireReadOnlyRole { get; set; }

    /// <summary>JSON file with administrator-declared query tools (see <c>DeclaredQueries</c>).</summary>
    public string? DeclaredToolsFile { get; set; }

    /// <summary>
    /// Most PostgreSQL or MySQL connections this server holds at once, whatever the connection-string form (a postgres:// URL
    /// cannot carry one). Null: the connection string's own Maximum Pool Size, else <see cref="DefaultMaxPoolSize"/>.
    /// Small on purpose, so that one busy client cannot take every connection slot of the database.
    /// </summary>
    public int? MaxPoolSize { get; set; }

    public const int DefaultMaxPoolSize = 10;

    /// <summary>IANA (or Windows) time-zone id in which periods such as this_quarter are computed; null: the OS's.</summary>
    public string? TimeZone { get; set; }

    /// <summary>First month (1-12) of the fiscal year: quarters and years of a <c>period</c> follow it. 1: calendar quarters.</summary>
    public int FiscalYearStartMonth { get; set; } = 1;

    /// <summary>The configured time zone (checked at start by the validator), or the OS's.</summary>
    public TimeZoneInfo ResolveTimeZone() =>
        string.IsNullOrWhiteSpace(TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public static IReadOnlyList<string> DefaultDeniedColumns { get; } = ["*password*", "*passwd*", "*secret*", "*.ssn"];

    /// <summary>For logs and diagnostics: the connection string can hold a password, so it is never printed.</summary>
    public override string ToString() =>
        $"DatabaseOptions {{ ConnectionString = {(ConnectionString is null ? "(none)" : "***")}, Password = {(Password is null ? "(none)" : "***")}, Provider = {Provider}, Demo = {Demo}, SqlitePath = {SqlitePath}, " +
        $"AllowedSchemas = [{string.Join(", ", AllowedSchemas)}], DeniedTables = [{string.Join(", ", DeniedTables)}], " +
        $"DeniedColumns = [{string.Join(", ", DeniedColumns)}], MaxQueryCost = {MaxQueryCost}, StatementTimeout = {StatementTimeout}, " +
        $"DefaultRowLimit = {DefaultRowLimit}, MaxRowLimit = {MaxRowLimit}, RequireReadOnlyRole = {RequireReadOnlyRole}, MaxPoolSize = {MaxPoolSize}, TimeZone = {TimeZone}, FiscalYearStartMonth = {FiscalYearStartMonth} }}";

    /// <summary>
    /// After binding: the list settings (comma-separated or indexed) and the timeouts' number-of-seconds form ("15"),
    /// which the binder would read as days.
    /// </summary>
    internal void ReadListsAndSeconds(IConfiguration configuration)
    {
        AllowedSchemas = SettingList.Parse(configuration, nameof(AllowedSchemas)) ?? AllowedSchemas;
        DeniedTables = SettingList.Parse(configuration, nameof(DeniedTables)) ?? DeniedTables;
        DeniedColumns = SettingList.Parse(configuration, nameof(DeniedColumns)) ?? DeniedColumns;
        StatementTimeout = Seconds(configuration[nameof(StatementTimeout)]) ?? StatementTimeout;
        LockTimeout = Seconds(configuration[nameof(LockTimeout)]) ?? LockTimeout;
    }

    private static TimeSpan? Seconds(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seconds) ? TimeSpan.FromSeconds(seconds) : null;
}
