using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using McpServers.Database.Options;
using McpServers.Shared.Errors;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace McpServers.Database.Backend;

/// <summary>
/// PostgreSQL through one <see cref="NpgsqlDataSource"/> (no connection is opened before the first call). Every call
/// runs in its own transaction: READ ONLY, with <c>statement_timeout</c>, <c>lock_timeout</c>, a pinned
/// <c>search_path</c> and UTC time zone set LOCAL, after an EXPLAIN of the exact statement against the cost gate.
/// </summary>
public sealed class PostgresGateway : SqlGateway
{
    private readonly NpgsqlDataSource _dataSource;

    /// <param name="onRoleWarning">Told each privilege warning once, when the role is first checked (the server puts them in the audit trail).</param>
    public PostgresGateway(DatabaseOptions options, string connectionString, ILogger<PostgresGateway>? logger = null, TimeProvider? timeProvider = null,
        Action<string>? onRoleWarning = null)
        : base(options, logger, timeProvider, onRoleWarning, "role")
    {
        // The slim builder keeps the driver trimming/NativeAOT-safe; arrays are the one extra the catalog reads need.
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString);
        builder.EnableArrays();
        _dataSource = builder.Build();
    }

    private protected override ISqlDialect Dialect => PostgresDialect.Instance;

    private protected override string CheckTarget => new DatabaseConnection(DatabaseBackendKind.PostgreSql, _dataSource.ConnectionString, null).Describe();

    private protected override Task<string> ServerVersionAsync(CancellationToken cancellationToken) =>
        RunGuardedAsync(async (connection, ct) =>
        {
            await using NpgsqlCommand cmd = new("SELECT current_setting('server_version')", connection);
            return "PostgreSQL " + (string)(await cmd.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

    private protected override Task<DeclaredQueryCheck> PrepareDeclaredAsync(DeclaredQuery query, CancellationToken cancellationToken) =>
        CheckDeclaredAsync(query, () => RunGuardedAsync(async (connection, ct) =>
        {
            // Preparing parses, analyses and plans the statement with typed parameters, without running it.
            await using NpgsqlCommand cmd = CreateCommand(connection, DeclaredQueries.WithTypedNulls(query, Dialect));
            await cmd.PrepareAsync(ct);
            await cmd.UnprepareAsync(ct);
            return 0;
        }, cancellationToken));

    /// <summary>Superuser, or write/create privileges in an allowed schema: the role is not read-only.</summary>
    private protected override Task<IReadOnlyList<string>> LoadRoleWarningsAsync(CancellationToken cancellationToken) =>
        RunGuardedAsync(async (connection, ct) =>
        {
            var warnings = new List<string>();
            await using (NpgsqlCommand su = new("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", connection))
            {
                if (await su.ExecuteScalarAsync(ct) is true)
                {
                    warnings.Add("The database role is a superuser; use a role with SELECT privileges only.");
                }
            }

            IReadOnlyList<string> schemas = Policy.AllowedSchemas;
            await using (NpgsqlCommand create = new("SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) AND has_schema_privilege(oid, 'CREATE') ORDER BY 1", connection))
            {
                create.Parameters.Add(new NpgsqlParameter { Value = schemas.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                await using DbDataReader reader = await create.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    warnings.Add($"The database role can CREATE objects in schema {reader.GetString(0)}.");
                }
            }

            const string writable = """
                SELECT n.nspname || '.' || c.relname,
                       concat_ws(', ',
                         CASE WHEN has_table_privilege(c.oid, 'INSERT') THEN 'INSERT' END,
                         CASE WHEN has_table_privilege(c.oid, 'UPDATE') THEN 'UPDATE' END,
                         CASE WHEN has_table_privilege(c.oid, 'DELETE') THEN 'DELETE' END,
                         CASE WHEN has_table_privilege(c.oid, 'TRUNCATE') THEN 'TRUNCATE' END)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                  AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
                       OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))
                ORDER BY 1 LIMIT 6
                """;
            await using (NpgsqlCommand write = new(writable, connection))
            {
                write.Parameters.Add(new NpgsqlParameter { Value = schemas.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                await using DbDataReader reader = await write.ExecuteReaderAsync(ct);
                var tables = new List<string>();
                while (await reader.ReadAsync(ct))
                {
                    tables.Add($"{reader.GetString(0)} ({reader.GetString(1)})");
                }

                if (tables.Count > 0)
                {
                    warnings.Add($"The database role can write to tables: {string.Join("; ", tables.Take(5))}{(tables.Count > 5 ? " and more" : string.Empty)}.");
                }
            }

            return (IReadOnlyList<string>)warnings;
        }, cancellationToken);

    private protected override ValueTask DisposeCoreAsync() => _dataSource.DisposeAsync();

    private protected override Task<IReadOnlyList<CatalogTable>> LoadCatalogAsync(IReadOnlyList<string> schemas, CancellationToken cancellationToken) =>
        RunGuardedAsync((connection, ct) => PostgresCatalog.LoadAsync(connection, schemas, ct), cancellationToken);

    /// <summary>
    /// Two round trips per call, one for a key lookup: (1) BEGIN READ ONLY, the transaction's settings and the EXPLAIN
    /// of the exact statement for the cost gate, in one batch; (2) the statement and the ROLLBACK, in one batch whose
    /// rows stream into <paramref name="read"/>. A statement whose plan is bounded by its key
    /// (<see cref="BuiltStatement.BoundedPlan"/>) needs no estimate, and everything goes in one batch.
    /// </summary>
    private protected override async Task<T> ExecuteAsync<T>(BuiltStatement statement, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await EnsureRoleAllowedAsync(cancellationToken);
        double limit = statement.CheapOnly ? Options.MaxQueryCost / 10 : Options.MaxQueryCost;
        return await GuardAsync(async ct =>
        {
            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(ct);
            try
            {
                // Backstop only: statement_timeout fires first and is the one reported.
                await using var batch = new NpgsqlBatch(connection) { Timeout = (int)Math.Ceiling(Options.StatementTimeout.TotalSeconds) + 5 };
                AddTransactionStart(batch);
                if (!statement.BoundedPlan)
                {
                    batch.BatchCommands.Add(BatchCommand(statement with { Sql = "EXPLAIN (FORMAT JSON) " + statement.Sql }));
                    string plan;
                    await using (NpgsqlDataReader explained = await batch.ExecuteReaderAsync(ct))
                    {
                        await explained.NextResultAsync(ct); // past the settings row
                        await explained.ReadAsync(ct);
                        plan = explained.GetString(0);
                    }

                    double cost = TotalCost(plan);
                    if (cost > limit)
                    {
                        Log.TooExpensive(Logger, cost, limit);
                        throw TooExpensive(string.Create(CultureInfo.InvariantCulture, $"estimated cost {cost:0} exceeds the limit {limit:0}"));
                    }

                    batch.BatchCommands.Clear();
                }

                batch.BatchCommands.Add(BatchCommand(statement));
                batch.BatchCommands.Add(new NpgsqlBatchCommand("ROLLBACK"));
                await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(ct);
                if (statement.BoundedPlan)
                {
                    await reader.NextResultAsync(ct); // past the settings row
                }

                // Disposing the reader reads the rest of the batch: the ROLLBACK that ends the transaction.
                return await read(reader, ct);
            }
            catch (Exception) when (connection.State == System.Data.ConnectionState.Open)
            {
                await RollbackQuietlyAsync(connection);
                throw;
            }
        }, cancellationToken);
    }

    /// <summary>
    /// After a failure the transaction may still be open (a refusal between the batches) or failed (an error inside
    /// one): end it before the connection goes back to the pool. A warning when none is open is harmless.
    /// </summary>
    private static async Task RollbackQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection is discarded by the pool; nothing is left to end.
        }
    }

    private static double TotalCost(string planJson)
    {
        using JsonDocument plan = JsonDocument.Parse(planJson);
        return plan.RootElement[0].GetProperty("Plan").GetProperty("Total Cost").GetDouble();
    }

    private NpgsqlCommand CreateCommand(NpgsqlConnection connection, BuiltStatement statement)
    {
        var cmd = new NpgsqlCommand(statement.Sql, connection)
        {
            // Backstop only: statement_timeout fires first and is the one reported.
            CommandTimeout = (int)Math.Ceiling(Options.StatementTimeout.TotalSeconds) + 5,
        };
        foreach (SqlParameterValue p in statement.Parameters)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.Value ?? DBNull.Value, NpgsqlDbType = DbType(p.Kind) });
        }

        return cmd;
    }

    private static NpgsqlBatchCommand BatchCommand(BuiltStatement statement)
    {
        var command = new NpgsqlBatchCommand(statement.Sql);
        foreach (SqlParameterValue p in statement.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p.Value ?? DBNull.Value, NpgsqlDbType = DbType(p.Kind) });
        }

        return command;
    }

    private static NpgsqlDbType DbType(ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => NpgsqlDbType.Bigint,
        ColumnKind.Decimal => NpgsqlDbType.Numeric,
        ColumnKind.Float => NpgsqlDbType.Double,
        ColumnKind.Boolean => NpgsqlDbType.Boolean,
        ColumnKind.Date => NpgsqlDbType.Date,
        ColumnKind.Timestamp => NpgsqlDbType.Timestamp,
        ColumnKind.TimestampTz => NpgsqlDbType.TimestampTz,
        ColumnKind.Uuid => NpgsqlDbType.Uuid,
        _ => NpgsqlDbType.Text,
    };

    /// <summary>Opens a connection, starts the guarded transaction, runs <paramref name="work"/>, and maps failures to safe errors.</summary>
    private Task<T> RunGuardedAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        GuardAsync(async ct =>
        {
            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(ct);
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(ct);
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SET TRANSACTION READ ONLY"));
                batch.BatchCommands.Add(Settings());
                await batch.ExecuteNonQueryAsync(ct);
            }

            T result = await work(connection, ct);

            // Nothing to keep: rolling back ends the read-only transaction without a commit round trip meaning anything.
            await transaction.RollbackAsync(ct);
            return result;
        }, cancellationToken);

    /// <summary>BEGIN READ ONLY and the transaction's settings, as the first commands of a batch (their results come first).</summary>
    private void AddTransactionStart(NpgsqlBatch batch)
    {
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN TRANSACTION READ ONLY"));
        batch.BatchCommands.Add(Settings());
    }

    /// <summary>Timeouts, search_path and time zone, set LOCAL to the transaction (one row of set_config results).</summary>
    private NpgsqlBatchCommand Settings()
    {
        var settings = new NpgsqlBatchCommand(
            "SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true), " +
            "set_config('search_path', $3, true), set_config('TimeZone', 'UTC', true), " +
            "set_config('idle_in_transaction_session_timeout', $1, true), " +

            // Auto-prepared statements may switch to a generic plan after five runs, whose cost the EXPLAIN (planned
            // for the actual values) did not see: every run is planned for its values, as the gate measured it.
            "set_config('plan_cache_mode', 'force_custom_plan', true), " +

            // The generated LIKE … ESCAPE '\' relies on standard strings; a server default of off would break it.
            "set_config('standard_conforming_strings', 'on', true)");
        settings.Parameters.Add(new NpgsqlParameter { Value = Milliseconds(Options.StatementTimeout), NpgsqlDbType = NpgsqlDbType.Text });
        settings.Parameters.Add(new NpgsqlParameter { Value = Milliseconds(Options.LockTimeout), NpgsqlDbType = NpgsqlDbType.Text });
        settings.Parameters.Add(new NpgsqlParameter { Value = SearchPath(), NpgsqlDbType = NpgsqlDbType.Text });
        return settings;
    }

    /// <summary>Maps driver failures to safe errors and a cancelled call to <see cref="OperationCanceledException"/>.</summary>
    private async Task<T> GuardAsync<T>(Func<CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken);
        }
        catch (PostgresException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Map(ex);
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.BackendError(Logger, "connection", nameof(BackendErrorKind.Unavailable), ex);
            throw new BackendException(BackendErrorKind.Unavailable, "The database cannot be reached right now. Retry in a minute; if it persists, an administrator should run mcp-database --check and check the host and port in DATABASE_URL or MCP_DATABASE__ConnectionString (setting ConnectionString).", ex);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            throw new OperationCanceledException("The database call was cancelled.", ex, cancellationToken);
        }
    }

    // pg_catalog first so objects in user schemas cannot shadow built-in functions and operators; pg_temp last.
    private string SearchPath() =>
        "pg_catalog, " + string.Join(", ", Policy.AllowedSchemas.Select(Dialect.Quote)) + ", pg_temp";

    private static string Milliseconds(TimeSpan value) =>
        ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    /// <summary>SQLSTATE → safe, actionable message. Never the server's text, which can carry SQL, names or hosts.</summary>
    private BackendException Map(PostgresException ex)
    {
        string state = ex.SqlState;
        if (!IsSqlState(state))
        {
            // Not a PostgreSQL speaking (a proxy, a hostile or broken server): its "SQLSTATE" is text it chose, and the
            // messages below quote the code.
            Log.BackendError(Logger, "not a SQLSTATE", nameof(BackendErrorKind.Unavailable), ex);
            return new BackendException(BackendErrorKind.Unavailable,
                "The database answered with an error this server cannot read. Retry later; if it persists, an administrator should run mcp-database --check.", ex);
        }

        BackendException mapped = state switch
        {
            "57014" => Timeout(),
            "55P03" => new BackendException(BackendErrorKind.TimedOut, "The query waited too long for a lock held by another session. Retry shortly."),
            "25006" => new BackendException(BackendErrorKind.Forbidden, "The statement tried to change data; this server is read-only."),
            "42501" => new BackendException(BackendErrorKind.Forbidden, "The database role used by this server is not allowed to read this object. An administrator must grant SELECT on it."),
            "40001" or "40P01" => new BackendException(BackendErrorKind.Conflict, "The query conflicted with concurrent activity. Retry it."),
            _ when state.StartsWith("53", StringComparison.Ordinal) => new BackendException(BackendErrorKind.Unavailable, "The database is short of resources (memory, disk or connections). Retry later with a narrower query."),
            _ when state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03" => new BackendException(BackendErrorKind.Unavailable, "The database connection failed or the server is restarting. Retry in a minute."),
            _ when state.StartsWith("28", StringComparison.Ordinal) => new BackendException(BackendErrorKind.Unauthorized, "The server could not sign in to the database. An administrator must check its user name and password: DATABASE_URL or MCP_DATABASE__ConnectionString (setting ConnectionString), and PGPASSWORD or MCP_DATABASE__Password (setting Password) when the password is given separately."),
            "3D000" => new BackendException(BackendErrorKind.Unavailable, "The configured database does not exist. An administrator must check the database name in DATABASE_URL or MCP_DATABASE__ConnectionString (setting ConnectionString)."),
            _ when state.StartsWith("0A", StringComparison.Ordinal) => new BackendException(BackendErrorKind.Invalid, $"The database does not support this statement here (SQLSTATE {state}). If this is a declared tool, an administrator should run mcp-database --check."),
            _ when state.StartsWith("22", StringComparison.Ordinal) => new BackendException(BackendErrorKind.Invalid, $"The database could not evaluate the query with these values (SQLSTATE {state}). Check the values and their formats."),
            _ when state.StartsWith("42", StringComparison.Ordinal) => new BackendException(BackendErrorKind.Invalid, $"The statement is not valid for this database (SQLSTATE {state}). If this is a declared tool, an administrator should run mcp-database --check."),
            _ => new BackendException(BackendErrorKind.Unavailable, $"The database reported an error (SQLSTATE {state}). Retry later."),
        };
        Log.BackendError(Logger, state, mapped.Kind.ToString(), ex);
        return new BackendException(mapped.Kind, mapped.SafeMessage, ex);
    }

    /// <summary>Five digits or upper-case ASCII letters (PostgreSQL documentation, Appendix A "Error Codes").</summary>
    private static bool IsSqlState(string? state) =>
        state is { Length: 5 } && state.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c));
}
