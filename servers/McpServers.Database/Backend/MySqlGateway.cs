using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using McpServers.Database.Options;
using McpServers.Shared.Errors;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace McpServers.Database.Backend;

/// <summary>
/// MySQL and MariaDB through one <see cref="MySqlDataSource"/> (no connection is opened before the first call). Every
/// call pins its session (UTC time zone, a known <c>sql_mode</c>, lock and statement timeouts) and runs in
/// <c>START TRANSACTION READ ONLY</c>, after an EXPLAIN of the exact statement against the cost gate, then rolls back.
/// Only the server's own fixed SQL is ever sent as several statements in one command; the model's values are always
/// parameters.
/// </summary>
public sealed class MySqlGateway : SqlGateway
{
    // Pinned, whatever the server's default: without NO_BACKSLASH_ESCAPES, because MySqlConnector escapes the values it
    // interpolates into the text with backslashes and does not follow a session that turns the mode on (a parameter
    // "a\b" arrived as "a\\b"); the dialect's LIKE … ESCAPE '\\' is written for this mode. No ANSI_QUOTES: names are
    // quoted with backticks, and declared statements keep MySQL's usual string quotes.
    private const string SqlMode = "STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

    private static readonly string[] WritePrivileges =
        ["INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "INDEX", "CREATE VIEW", "TRIGGER", "FILE", "SUPER", "CREATE USER", "GRANT OPTION"];

    private readonly MySqlDataSource _dataSource;
    private readonly MySqlDialect _dialect;
    private readonly string _target;
    private int _flavor;

    /// <param name="onRoleWarning">Told each privilege warning once, when the user is first checked (the server puts them in the audit trail).</param>
    public MySqlGateway(DatabaseOptions options, string connectionString, ILogger<MySqlGateway>? logger = null, TimeProvider? timeProvider = null,
        Action<string>? onRoleWarning = null)
        : base(options, logger, timeProvider, onRoleWarning, "user")
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        _dialect = new MySqlDialect(builder.Database);
        _target = new DatabaseConnection(DatabaseBackendKind.MySql, null, null, connectionString).Describe();
        _dataSource = new MySqlDataSource(connectionString);
    }

    private protected override ISqlDialect Dialect => _dialect;

    private protected override string CheckTarget => _target;

    /// <summary>True on MariaDB, known once a connection has been opened (its handshake names the server).</summary>
    private bool IsMariaDb => _flavor == 2;

    private protected override Task<string> ServerVersionAsync(CancellationToken cancellationToken) =>
        RunGuardedAsync(async (connection, ct) =>
        {
            await using var cmd = new MySqlCommand("SELECT VERSION()", connection);
            string version = Convert.ToString(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) ?? "?";
            return (IsMariaDb ? "MariaDB " : "MySQL ") + version;
        }, cancellationToken);

    private protected override Task<DeclaredQueryCheck> PrepareDeclaredAsync(DeclaredQuery query, CancellationToken cancellationToken) =>
        CheckDeclaredAsync(query, () => RunGuardedAsync(async (connection, ct) =>
        {
            // A server-side prepare parses and resolves every name of the statement without running it.
            await using MySqlCommand cmd = CreateCommand(connection, DeclaredQueries.WithTypedNulls(query, Dialect));
            await cmd.PrepareAsync(ct);
            return 0;
        }, cancellationToken));

    /// <summary>SUPER, or write/DDL privileges globally, on an allowed database or on its tables: the user is not read-only.</summary>
    private protected override Task<IReadOnlyList<string>> LoadRoleWarningsAsync(CancellationToken cancellationToken) =>
        RunGuardedAsync<IReadOnlyList<string>>(async (connection, ct) =>
        {
            // information_schema lists the privileges granted to the current account ('user'@'host').
            const string Grantee = "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')";
            await using var cmd = new MySqlCommand(null, connection);
            string privileges = InList(cmd, WritePrivileges, "w");
            string schemas = InList(cmd, Policy.AllowedSchemas, "s");
            cmd.CommandText = $"""
                SELECT 'global', '', PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES
                WHERE GRANTEE = {Grantee} AND PRIVILEGE_TYPE IN ({privileges})
                UNION ALL
                SELECT 'schema', TABLE_SCHEMA, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES
                WHERE GRANTEE = {Grantee} AND TABLE_SCHEMA IN ({schemas}) AND PRIVILEGE_TYPE IN ({privileges})
                UNION ALL
                SELECT 'table', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES
                WHERE GRANTEE = {Grantee} AND TABLE_SCHEMA IN ({schemas}) AND PRIVILEGE_TYPE IN ({privileges})
                ORDER BY 1, 2, 3
                """;
            var grants = new List<(string Level, string Target, string Privilege)>();
            await using (DbDataReader reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    grants.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                }
            }

            return Warnings(grants);
        }, cancellationToken);

    private static List<string> Warnings(List<(string Level, string Target, string Privilege)> grants)
    {
        var warnings = new List<string>();
        if (grants.Any(g => g.Level == "global" && g.Privilege == "SUPER"))
        {
            warnings.Add("The database user has the SUPER privilege; use a user with SELECT privileges only.");
        }

        var global = grants.Where(g => g.Level == "global" && g.Privilege != "SUPER").Select(g => g.Privilege).ToList();
        if (global.Count > 0)
        {
            warnings.Add($"The database user holds {string.Join(", ", global)} on every database; use a user with SELECT privileges only.");
        }

        foreach (var schema in grants.Where(g => g.Level == "schema").GroupBy(g => g.Target, StringComparer.Ordinal))
        {
            warnings.Add($"The database user holds {string.Join(", ", schema.Select(g => g.Privilege))} on database {schema.Key}.");
        }

        var tables = grants.Where(g => g.Level == "table").GroupBy(g => g.Target, StringComparer.Ordinal)
            .Select(t => $"{t.Key} ({string.Join(", ", t.Select(g => g.Privilege))})").ToList();
        if (tables.Count > 0)
        {
            warnings.Add($"The database user can write to tables: {string.Join("; ", tables.Take(5))}{(tables.Count > 5 ? " and more" : string.Empty)}.");
        }

        return warnings;
    }

    private protected override ValueTask DisposeCoreAsync() => _dataSource.DisposeAsync();

    private protected override Task<IReadOnlyList<CatalogTable>> LoadCatalogAsync(IReadOnlyList<string> schemas, CancellationToken cancellationToken) =>
        RunGuardedAsync((connection, ct) => MySqlCatalog.LoadAsync(connection, schemas, ct), cancellationToken);

    private protected override async Task<T> ExecuteAsync<T>(BuiltStatement statement, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await EnsureRoleAllowedAsync(cancellationToken);
        double limit = statement.CheapOnly ? Options.MaxQueryCost / 10 : Options.MaxQueryCost;
        return await RunGuardedAsync(async (connection, ct) =>
        {
            // Its own round trip: sent together with the statement, the server would run the statement whatever the plan said.
            await using (MySqlCommand explain = CreateCommand(connection, statement with { Sql = "EXPLAIN FORMAT=JSON " + statement.Sql }))
            {
                string plan = Convert.ToString(await explain.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) ?? "{}";
                (double cost, string measure) = IsMariaDb ? (RowsMeasure(plan), "estimated rows examined") : (QueryCost(plan), "estimated cost");
                if (cost > limit)
                {
                    Log.TooExpensive(Logger, cost, limit);
                    throw TooExpensive(string.Create(CultureInfo.InvariantCulture, $"{measure} {cost:0} exceeds the limit {limit:0}"));
                }
            }

            await using MySqlCommand cmd = CreateCommand(connection, statement);
            await using DbDataReader reader = await cmd.ExecuteReaderAsync(ct);
            return await read(reader, ct);
        }, cancellationToken);
    }

    /// <summary>MySQL: the optimizer's total cost, <c>query_block.cost_info.query_cost</c> (MySQL Reference Manual, "Obtaining Execution Plan Information").</summary>
    internal static double QueryCost(string planJson)
    {
        using JsonDocument plan = JsonDocument.Parse(RepairEscapes(planJson));
        if (plan.RootElement.TryGetProperty("query_block", out JsonElement block)
            && block.TryGetProperty("cost_info", out JsonElement info)
            && info.TryGetProperty("query_cost", out JsonElement cost))
        {
            return cost.ValueKind == JsonValueKind.Number ? cost.GetDouble() : double.Parse(cost.GetString()!, CultureInfo.InvariantCulture);
        }

        return RowsMeasure(planJson);
    }

    /// <summary>
    /// MariaDB's EXPLAIN FORMAT=JSON (10.x) has no total cost, only each table's <c>rows</c> estimate: the measure is the
    /// rows a plan would examine, the product of the estimates along each nested loop (rows read per outer row), summed
    /// over independent blocks (subqueries, unions). It is an estimate in rows, not in MySQL's cost units, and errs high
    /// for joins whose conditions the estimates do not reflect.
    /// </summary>
    internal static double RowsMeasure(string planJson)
    {
        using JsonDocument plan = JsonDocument.Parse(RepairEscapes(planJson));
        return Math.Max(1, Visit(plan.RootElement));

        static double Visit(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Array:
                    return element.EnumerateArray().Sum(Visit);
                case JsonValueKind.Object:
                    if (element.TryGetProperty("nested_loop", out JsonElement loop) && loop.ValueKind == JsonValueKind.Array)
                    {
                        double product = 1;
                        foreach (JsonElement step in loop.EnumerateArray())
                        {
                            product *= Math.Max(1, Visit(step));
                        }

                        return Math.Min(product, double.MaxValue) + element.EnumerateObject().Where(p => p.Name != "nested_loop").Sum(p => Visit(p.Value));
                    }

                    double own = element.TryGetProperty("table_name", out _) && element.TryGetProperty("rows", out JsonElement rows) && rows.ValueKind == JsonValueKind.Number
                        ? Math.Max(1, rows.GetDouble())
                        : 0;
                    double nested = element.EnumerateObject().Where(p => p.Name != "rows").Sum(p => Visit(p.Value));
                    return own > 0 && nested > 0 ? own * nested : own + nested;
                default:
                    return 0;
            }
        }
    }

    /// <summary>
    /// MariaDB writes a quote inside a condition's string literal as \' (its own escaping, not JSON's): outside the
    /// escapes JSON defines, the backslash is dropped so the plan parses. Only the plan's numbers are read.
    /// </summary>
    internal static string RepairEscapes(string json)
    {
        if (!json.Contains('\\', StringComparison.Ordinal))
        {
            return json;
        }

        var text = new StringBuilder(json.Length);
        for (int i = 0; i < json.Length; i++)
        {
            if (json[i] == '\\' && i + 1 < json.Length)
            {
                if ("\"\\/bfnrtu".Contains(json[i + 1], StringComparison.Ordinal))
                {
                    text.Append(json[i]);
                }

                text.Append(json[++i]);
                continue;
            }

            text.Append(json[i]);
        }

        return text.ToString();
    }

    private MySqlCommand CreateCommand(MySqlConnection connection, BuiltStatement statement)
    {
        EnsureSingleStatement(statement.Sql);
        var cmd = new MySqlCommand(statement.Sql, connection)
        {
            // Backstop only (MySqlConnector's default is 30 s): the server's own statement timeout fires first.
            CommandTimeout = (int)Math.Ceiling(Options.StatementTimeout.TotalSeconds) + 5,
        };
        for (int i = 0; i < statement.Parameters.Count; i++)
        {
            SqlParameterValue p = statement.Parameters[i];
            cmd.Parameters.Add(new MySqlParameter("@p" + i.ToString(CultureInfo.InvariantCulture), DbType(p.Kind)) { Value = Bindable(p.Value) });
        }

        return cmd;
    }

    /// <summary>
    /// MySqlConnector always lets the server run several statements sent in one command, and a statement after
    /// <c>SET SESSION TRANSACTION READ WRITE; COMMIT</c> would escape the read-only transaction. Generated SQL never
    /// holds a <c>;</c>, and declared SQL is checked when loaded; this is the backstop at the wire: a <c>;</c> outside
    /// literals, quoted names and comments, or an executable comment (<c>/*!…*/</c>, <c>/*M!…*/</c>, whose text the
    /// server runs), is refused before anything is sent. A backslash escapes the next character inside quotes, as
    /// in the pinned sql_mode.
    /// </summary>
    internal static void EnsureSingleStatement(string sql)
    {
        for (int i = 0; i < sql.Length; i++)
        {
            char c = sql[i];
            switch (c)
            {
                case '\'' or '"' or '`':
                    // A doubled quote stays inside the literal; an unterminated one runs to the end (the server refuses it).
                    for (i++; i < sql.Length; i++)
                    {
                        if (sql[i] == '\\' && c != '`')
                        {
                            i++;
                            continue;
                        }

                        if (sql[i] == c)
                        {
                            if (i + 1 < sql.Length && sql[i + 1] == c)
                            {
                                i++;
                                continue;
                            }

                            break;
                        }
                    }

                    break;
                case '#':
                case '-' when i + 2 < sql.Length && sql[i + 1] == '-' && char.IsWhiteSpace(sql[i + 2]):
                    while (i < sql.Length && sql[i] != '\n')
                    {
                        i++;
                    }

                    break;
                case '/' when i + 1 < sql.Length && sql[i + 1] == '*':
                    if (i + 2 < sql.Length && (sql[i + 2] == '!' || (sql[i + 2] is 'M' or 'm' && i + 3 < sql.Length && sql[i + 3] == '!')))
                    {
                        throw NotSingle();
                    }

                    int end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? sql.Length : end + 1;
                    break;
                case ';':
                    throw NotSingle();
            }
        }

        static BackendException NotSingle() => new(BackendErrorKind.Invalid,
            "The statement must be one query without ';' or executable comments (/*! … */). If this is a declared tool, an administrator must fix its sql.");
    }

    /// <summary>Placeholders @s0… for a list of values (names from the catalog or settings, never SQL text) added to <paramref name="cmd"/>.</summary>
    internal static string InList(MySqlCommand cmd, IReadOnlyList<string> values, string prefix)
    {
        var names = new StringBuilder();
        for (int i = 0; i < values.Count; i++)
        {
            string name = "@" + prefix + i.ToString(CultureInfo.InvariantCulture);
            cmd.Parameters.AddWithValue(name, values[i]);
            names.Append(i == 0 ? string.Empty : ", ").Append(name);
        }

        return values.Count == 0 ? "NULL" : names.ToString();
    }

    private static object Bindable(object? value) => value switch
    {
        null => DBNull.Value,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        _ => value,
    };

    private static MySqlDbType DbType(ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => MySqlDbType.Int64,
        ColumnKind.Decimal => MySqlDbType.NewDecimal,
        ColumnKind.Float => MySqlDbType.Double,
        ColumnKind.Boolean => MySqlDbType.Bool,
        ColumnKind.Date => MySqlDbType.Date,
        ColumnKind.Timestamp or ColumnKind.TimestampTz => MySqlDbType.DateTime,
        _ => MySqlDbType.VarChar,
    };

    /// <summary>Opens a connection, pins the session and starts the read-only transaction, runs <paramref name="work"/>, and maps failures to safe errors.</summary>
    private async Task<T> RunGuardedAsync<T>(Func<MySqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using MySqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            if (_flavor == 0)
            {
                // The handshake's version string is what SELECT VERSION() returns; MariaDB names itself in it.
                _flavor = connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? 2 : 1;
            }

            await using (var setup = new MySqlCommand(SessionSql(), connection))
            {
                await setup.ExecuteNonQueryAsync(cancellationToken);
            }

            T result = await work(connection, cancellationToken);

            // Nothing to keep; the pool's connection reset would also end the transaction.
            await using (var rollback = new MySqlCommand("ROLLBACK", connection))
            {
                await rollback.ExecuteNonQueryAsync(cancellationToken);
            }

            return result;
        }
        catch (MySqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Map(ex);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            throw new OperationCanceledException("The database call was cancelled.", ex, cancellationToken);
        }
    }

    /// <summary>Our own fixed SQL with numbers only: one round trip for the session settings and the transaction.</summary>
    private string SessionSql()
    {
        long lockSeconds = Math.Max(1, (long)Math.Ceiling(Options.LockTimeout.TotalSeconds));
        string timeout = IsMariaDb
            // MariaDB: seconds (fractions allowed), for every statement; error 1969 when it fires.
            ? "SESSION max_statement_time = " + Options.StatementTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)
            // MySQL: milliseconds, for SELECT statements; error 3024 when it fires.
            : "SESSION max_execution_time = " + ((long)Options.StatementTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        string settings = string.Create(CultureInfo.InvariantCulture,
            $"SET SESSION time_zone = '+00:00', SESSION sql_mode = '{SqlMode}', SESSION lock_wait_timeout = {lockSeconds}, SESSION innodb_lock_wait_timeout = {lockSeconds}, {timeout};");

        // DDL commits implicitly and would then run outside the transaction: the session's own read-only mode refuses it too.
        return settings + "\nSET SESSION TRANSACTION READ ONLY;\nSTART TRANSACTION READ ONLY";
    }

    private const string ConnectionSettings = "MCP_DATABASE__ConnectionString or DATABASE_URL (setting ConnectionString)";

    /// <summary>Server error number → safe, actionable message. Never the server's text, which can carry SQL, names or hosts.</summary>
    private BackendException Map(MySqlException ex)
    {
        int code = (int)ex.ErrorCode;
        BackendException mapped = code switch
        {
            // max_statement_time (MariaDB), max_execution_time (MySQL), and the driver's own backstop timeout.
            1969 or 3024 or (int)MySqlErrorCode.CommandTimeoutExpired or (int)MySqlErrorCode.QueryInterrupted => Timeout(),
            1205 => new BackendException(BackendErrorKind.TimedOut, "The query waited too long for a lock held by another session. Retry shortly."),
            1792 or 1290 or 1036 => new BackendException(BackendErrorKind.Forbidden, "The statement tried to change data; this server is read-only."),
            1345 => new BackendException(BackendErrorKind.Forbidden, "The database user may not EXPLAIN this view, which the cost gate needs. An administrator must grant SHOW VIEW (besides SELECT) on the database."),
            1142 or 1143 or 1227 or 1370 or 1044 => new BackendException(BackendErrorKind.Forbidden, "The database user of this server is not allowed to read this object. An administrator must grant SELECT on it."),
            1213 => new BackendException(BackendErrorKind.Conflict, "The query conflicted with concurrent activity. Retry it."),
            1040 or 1041 or 1037 or 1038 or 1135 or 1203 => new BackendException(BackendErrorKind.Unavailable, "The database is short of resources (memory or connections). Retry later with a narrower query."),
            1045 or 1698 or 1251 => new BackendException(BackendErrorKind.Unauthorized, $"The server could not sign in to the database. An administrator must check its user name and password: {ConnectionSettings}, and MYSQL_PWD or MCP_DATABASE__Password (setting Password) when the password is given separately."),
            1049 => new BackendException(BackendErrorKind.Unavailable, $"The configured database does not exist. An administrator must check the database name in {ConnectionSettings}."),
            1042 or 1043 or 1047 or 1053 or 1077 or 1152 or 1153 or 1158 or 1159 or 1160 or 1161 or 2002 or 2003 or 2006 or 2013 or 1927
                or (int)MySqlErrorCode.UnableToConnectToHost => new BackendException(BackendErrorKind.Unavailable,
                $"The database cannot be reached right now. Retry in a minute; if it persists, an administrator should run mcp-database --check and check the host and port in {ConnectionSettings}."),
            1048 or 1264 or 1265 or 1292 or 1366 or 1367 or 1406 or 1411 or 1690 or 3140 or 4025 or 4038 => new BackendException(BackendErrorKind.Invalid,
                $"The database could not evaluate the query with these values (error {Code(code)}). Check the values and their formats."),
            _ when ex.SqlState is { } state && state.StartsWith("42", StringComparison.Ordinal) => new BackendException(BackendErrorKind.Invalid,
                $"The statement is not valid for this database (error {Code(code)}). If this is a declared tool, an administrator should run mcp-database --check."),
            _ when ex.SqlState is { } state && state.StartsWith("22", StringComparison.Ordinal) => new BackendException(BackendErrorKind.Invalid,
                $"The database could not evaluate the query with these values (error {Code(code)}). Check the values and their formats."),
            _ => new BackendException(BackendErrorKind.Unavailable, $"The database reported an error (error {Code(code)}). Retry later."),
        };
        Log.BackendError(Logger, Code(code), mapped.Kind.ToString(), ex);
        return new BackendException(mapped.Kind, mapped.SafeMessage, ex);
    }

    private static string Code(int code) => code.ToString(CultureInfo.InvariantCulture);
}
