using Microsoft.Extensions.Configuration;

namespace McpServers.Database.Options;

/// <summary>
/// Every setting of mcp-database. Keys live at the configuration root (environment prefix <c>MCP_DATABASE__</c>,
/// so <c>MCP_DATABASE__ConnectionString</c> binds <see cref="ConnectionString"/>). Lists accept either a
/// comma-separated string or indexed children (<c>AllowedSchemas:0</c>).
/// </summary>
public sealed record DatabaseOptions
{
    public const string EnvironmentPrefix = "MCP_DATABASE__";

    /// <summary>PostgreSQL connection string (Npgsql keywords) or a <c>postgres://</c> URI. See <see cref="ConnectionResolver"/>.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Password when the connection string has none (<c>PGPASSWORD</c>, <c>MCP_DATABASE__Password</c>, or their <c>_FILE</c>).</summary>
    public string? Password { get; init; }

    /// <summary>Serve a generated sample database (SQLite) instead of a real one.</summary>
    public bool Demo { get; init; }

    /// <summary>Path of a SQLite file to serve, opened read-only.</summary>
    public string? SqlitePath { get; init; }

    /// <summary>Schemas the model may see. Empty means the backend default: <c>public</c> (PostgreSQL) or <c>main</c> (SQLite).</summary>
    public IReadOnlyList<string> AllowedSchemas { get; init; } = [];

    /// <summary>Glob patterns (<c>*</c>, <c>?</c>, case-insensitive) over <c>schema.table</c>, or over the table name when the pattern has no dot.</summary>
    public IReadOnlyList<string> DeniedTables { get; init; } = [];

    /// <summary>Glob patterns over <c>schema.table.column</c>, or over the column name when the pattern has no dot.</summary>
    public IReadOnlyList<string> DeniedColumns { get; init; } = DefaultDeniedColumns;

    /// <summary>PostgreSQL planner cost above which a statement is refused before it runs.</summary>
    public double MaxQueryCost { get; init; } = 100_000;

    /// <summary>SQLite's stand-in for the cost gate: virtual-machine instructions one statement may execute.</summary>
    public long MaxSqliteSteps { get; init; } = 50_000_000;

    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public int DefaultRowLimit { get; init; } = 100;

    /// <summary>The administrator's maximum; the model can ask for fewer rows, never more.</summary>
    public int MaxRowLimit { get; init; } = 1000;

    public int MaxCellChars { get; init; } = 2000;

    public int MaxResponseBytes { get; init; } = 256 * 1024;

    /// <summary>Refuse to serve when the PostgreSQL role could write (superuser, INSERT/UPDATE/DELETE/TRUNCATE/CREATE).</summary>
    public bool RequireReadOnlyRole { get; init; }

    /// <summary>JSON file with administrator-declared query tools (see <c>DeclaredQueries</c>).</summary>
    public string? DeclaredToolsFile { get; init; }

    /// <summary>
    /// Most PostgreSQL connections this server holds at once, whatever the connection-string form (a postgres:// URL
    /// cannot carry one). Null: the connection string's own Maximum Pool Size, else <see cref="DefaultMaxPoolSize"/>.
    /// Small on purpose, so that one busy client cannot take every connection slot of the database.
    /// </summary>
    public int? MaxPoolSize { get; init; }

    public const int DefaultMaxPoolSize = 10;

    /// <summary>IANA (or Windows) time-zone id in which periods such as this_quarter are computed; null: the OS's.</summary>
    public string? TimeZone { get; init; }

    /// <summary>First month (1-12) of the fiscal year: quarters and years of a <c>period</c> follow it. 1: calendar quarters.</summary>
    public int FiscalYearStartMonth { get; init; } = 1;

    /// <summary>The configured time zone (checked at start by the validator), or the OS's.</summary>
    public TimeZoneInfo ResolveTimeZone() =>
        string.IsNullOrWhiteSpace(TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public static IReadOnlyList<string> DefaultDeniedColumns { get; } = ["*password*", "*passwd*", "*secret*", "*.ssn"];

    /// <summary>For logs and diagnostics: the connection string can hold a password, so it is never printed.</summary>
    public override string ToString() =>
        $"DatabaseOptions {{ ConnectionString = {(ConnectionString is null ? "(none)" : "***")}, Password = {(Password is null ? "(none)" : "***")}, Demo = {Demo}, SqlitePath = {SqlitePath}, " +
        $"AllowedSchemas = [{string.Join(", ", AllowedSchemas)}], DeniedTables = [{string.Join(", ", DeniedTables)}], " +
        $"DeniedColumns = [{string.Join(", ", DeniedColumns)}], MaxQueryCost = {MaxQueryCost}, StatementTimeout = {StatementTimeout}, " +
        $"DefaultRowLimit = {DefaultRowLimit}, MaxRowLimit = {MaxRowLimit}, RequireReadOnlyRole = {RequireReadOnlyRole}, MaxPoolSize = {MaxPoolSize}, TimeZone = {TimeZone}, FiscalYearStartMonth = {FiscalYearStartMonth} }}";

    /// <summary>Reads the options from the configuration root without reflection (NativeAOT-safe).</summary>
    public static DatabaseOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new DatabaseOptions();
        return new DatabaseOptions
        {
            ConnectionString = configuration[nameof(ConnectionString)],
            Password = configuration[nameof(Password)],
            Demo = ReadBool(configuration, nameof(Demo), defaults.Demo),
            SqlitePath = configuration[nameof(SqlitePath)],
            AllowedSchemas = ReadList(configuration, nameof(AllowedSchemas)) ?? defaults.AllowedSchemas,
            DeniedTables = ReadList(configuration, nameof(DeniedTables)) ?? defaults.DeniedTables,
            DeniedColumns = ReadList(configuration, nameof(DeniedColumns)) ?? defaults.DeniedColumns,
            MaxQueryCost = ReadNumber(configuration, nameof(MaxQueryCost), defaults.MaxQueryCost),
            MaxSqliteSteps = (long)ReadNumber(configuration, nameof(MaxSqliteSteps), defaults.MaxSqliteSteps),
            StatementTimeout = ReadTime(configuration, nameof(StatementTimeout), defaults.StatementTimeout),
            LockTimeout = ReadTime(configuration, nameof(LockTimeout), defaults.LockTimeout),
            DefaultRowLimit = (int)ReadNumber(configuration, nameof(DefaultRowLimit), defaults.DefaultRowLimit),
            MaxRowLimit = (int)ReadNumber(configuration, nameof(MaxRowLimit), defaults.MaxRowLimit),
            MaxCellChars = (int)ReadNumber(configuration, nameof(MaxCellChars), defaults.MaxCellChars),
            MaxResponseBytes = (int)ReadNumber(configuration, nameof(MaxResponseBytes), defaults.MaxResponseBytes),
            RequireReadOnlyRole = ReadBool(configuration, nameof(RequireReadOnlyRole), defaults.RequireReadOnlyRole),
            DeclaredToolsFile = configuration[nameof(DeclaredToolsFile)],
            MaxPoolSize = string.IsNullOrWhiteSpace(configuration[nameof(MaxPoolSize)]) ? null : (int)ReadNumber(configuration, nameof(MaxPoolSize), DefaultMaxPoolSize),
            TimeZone = configuration[nameof(TimeZone)],
            FiscalYearStartMonth = (int)ReadNumber(configuration, nameof(FiscalYearStartMonth), defaults.FiscalYearStartMonth),
        };
    }

    private static bool ReadBool(IConfiguration configuration, string key, bool fallback)
    {
        string? text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return bool.TryParse(text, out bool value)
            ? value
            : throw new InvalidOperationException($"Setting `{key}` must be true or false.");
    }

    private static double ReadNumber(IConfiguration configuration, string key, double fallback)
    {
        string? text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new InvalidOperationException($"Setting `{key}` must be a number.");
    }

    /// <summary>Accepts a TimeSpan ("00:00:15") or a number of seconds ("15").</summary>
    private static TimeSpan ReadTime(IConfiguration configuration, string key, TimeSpan fallback)
    {
        string? text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out TimeSpan value)
            ? value
            : throw new InvalidOperationException($"Setting `{key}` must be a number of seconds or a time span like 00:00:15.");
    }

    private static string[]? ReadList(IConfiguration configuration, string key)
    {
        IConfigurationSection section = configuration.GetSection(key);
        var children = section.GetChildren().Where(c => c.Value is not null).Select(c => c.Value!.Trim()).ToArray();
        if (children.Length > 0)
        {
            return children;
        }

        if (section.Value is null)
        {
            return null;
        }

        return section.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
