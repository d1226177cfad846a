using System.Data.Common;
using System.Globalization;
using McpServers.Database.Options;
using McpServers.Shared.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace McpServers.Database.Backend;

/// <summary>
/// SQLite: a user's file, or the generated demo database. Connections are opened read-only (Mode=ReadOnly plus
/// <c>PRAGMA query_only</c>); SQLite has no planner cost, so a progress handler stands in for the cost gate and the
/// statement timeout: it stops a statement after a budget of VM instructions, at the deadline, or on cancellation.
/// </summary>
public sealed class SqliteGateway : SqlGateway
{
    private const int ProgressInterval = 1000;

    private readonly string? _path;
    private readonly SemaphoreSlim _demoLock = new(1, 1);
    private string? _demoDirectory;
    private bool _ownsDemoDirectory;

    /// <summary><paramref name="path"/> null serves the demo database, generated on first use in a temporary folder.</summary>
    public SqliteGateway(DatabaseOptions options, string? path, ILogger<SqliteGateway>? logger = null, TimeProvider? timeProvider = null)
        : base(options, logger, timeProvider)
    {
        _path = path;
    }

    /// <summary>Serves demo files already made by <see cref="CreateDemoFiles"/> (left in place on dispose).</summary>
    public static SqliteGateway ForDemoFiles(DatabaseOptions options, string directory, ILogger<SqliteGateway>? logger = null, TimeProvider? timeProvider = null) =>
        new(options, null, logger, timeProvider) { _demoDirectory = directory };

    private protected override ISqlDialect Dialect => SqliteDialect.Instance;

    /// <summary>Creates the demo database files (main and hr) in <paramref name="directory"/>; returns the main file's path.</summary>
    public static string CreateDemoFiles(string directory, DateOnly today)
    {
        Directory.CreateDirectory(directory);
        DemoScript script = DemoDatabase.BuildScript(DemoFlavor.Sqlite, today);
        string main = Path.Combine(directory, "demo.db");
        Run(main, script.Main);
        Run(Path.Combine(directory, "hr.db"), script.Hr);
        return main;

        static void Run(string file, string sql)
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
            connection.Open();
            using SqliteTransaction transaction = connection.BeginTransaction();
            using SqliteCommand cmd = connection.CreateCommand();
            cmd.Transaction = transaction;
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private protected override string CheckTarget =>
        new DatabaseConnection(_path is null ? DatabaseBackendKind.Demo : DatabaseBackendKind.Sqlite, null, _path).Describe();

    private protected override Task<string> ServerVersionAsync(CancellationToken cancellationToken) =>
        RunGuardedAsync((connection, _) =>
        {
            using SqliteCommand cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT sqlite_version()";
            return Task.FromResult("SQLite " + (string)cmd.ExecuteScalar()!);
        }, cancellationToken);

    private protected override async Task<DeclaredQueryCheck> PrepareDeclaredAsync(DeclaredQuery query, CancellationToken cancellationToken)
    {
        try
        {
            await RunGuardedAsync((connection, _) =>
            {
                using SqliteCommand cmd = connection.CreateCommand();
                cmd.CommandText = DeclaredQueries.Render(query, Dialect);
                for (int i = 0; i < query.Parameters.Count; i++)
                {
                    cmd.Parameters.AddWithValue(Dialect.Placeholder(i), DBNull.Value);
                }

                // Prepare compiles the statement (names, syntax) without running it.
                cmd.Prepare();
                return Task.FromResult(0);
            }, cancellationToken);
            return new DeclaredQueryCheck(query.Name, true, null);
        }
        catch (BackendException ex)
        {
            return new DeclaredQueryCheck(query.Name, false, ex.SafeMessage ?? ex.Kind.ToString());
        }
    }

    private protected override async ValueTask DisposeCoreAsync()
    {
        await _demoLock.WaitAsync();
        try
        {
            if (_ownsDemoDirectory && _demoDirectory is not null && Directory.Exists(_demoDirectory))
            {
                Directory.Delete(_demoDirectory, recursive: true);
            }
        }
        finally
        {
            _demoLock.Release();
            _demoLock.Dispose();
        }
    }

    private protected override Task<IReadOnlyList<CatalogTable>> LoadCatalogAsync(IReadOnlyList<string> schemas, CancellationToken cancellationToken) =>
        RunGuardedAsync((connection, _) => Task.FromResult<IReadOnlyList<CatalogTable>>(SqliteCatalog.Load(connection, schemas)), cancellationToken);

    private protected override Task<T> ExecuteAsync<T>(BuiltStatement statement, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        RunGuardedAsync(async (connection, ct) =>
        {
            EnsureSingleReadStatement(connection, statement.Sql);
            using SqliteCommand cmd = connection.CreateCommand();
            cmd.CommandText = statement.Sql;
            for (int i = 0; i < statement.Parameters.Count; i++)
            {
                cmd.Parameters.AddWithValue(Dialect.Placeholder(i), ToSqlite(statement.Parameters[i].Value));
            }

            await using DbDataReader reader = await cmd.ExecuteReaderAsync(ct);
            return await read(reader, ct);
        }, cancellationToken, statement.CheapOnly ? Options.MaxSqliteSteps / 10 : Options.MaxSqliteSteps);

    /// <summary>
    /// Microsoft.Data.Sqlite runs every statement in a command's text, so a second statement must never get that far;
    /// and SQLite itself can say whether a compiled statement writes (sqlite3_stmt_readonly). Both are checked on a
    /// separate prepare before the command runs. Compile errors are left for the real execution to report.
    /// </summary>
    private static void EnsureSingleReadStatement(SqliteConnection connection, string sql)
    {
        int rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out sqlite3_stmt statement, out string tail);
        using (statement)
        {
            if (rc != raw.SQLITE_OK)
            {
                return;
            }

            if (!string.IsNullOrWhiteSpace(tail))
            {
                throw new BackendException(BackendErrorKind.Invalid, "The statement is not a single statement. If this is a declared tool, an administrator should run mcp-database --check.");
            }

            if (raw.sqlite3_stmt_readonly(statement) == 0)
            {
                throw new BackendException(BackendErrorKind.Forbidden, "The statement tried to change data; this server is read-only.");
            }
        }
    }

    /// <summary>SQLite stores dates as ISO text, booleans as integers and NUMERIC as REAL: bind values in the same shapes so comparisons hold.</summary>
    private static object ToSqlite(object? value) => value switch
    {
        null => DBNull.Value,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t when t.TimeOfDay.Ticks % TimeSpan.TicksPerSecond != 0 => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? 1L : 0L,
        decimal m => (double)m,
        Guid g => g.ToString("D"),
        _ => value,
    };

    private async Task<string> MainFileAsync(CancellationToken cancellationToken)
    {
        if (_path is not null)
        {
            return _path;
        }

        await _demoLock.WaitAsync(cancellationToken);
        try
        {
            if (_demoDirectory is null)
            {
                string directory = Path.Combine(Path.GetTempPath(), "mcp-database-demo-" + Guid.NewGuid().ToString("N"));
                CreateDemoFiles(directory, DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime));
                _demoDirectory = directory;
                _ownsDemoDirectory = true;
                Log.DemoCreated(Logger, DemoDatabase.InvoiceCount);
            }

            return Path.Combine(_demoDirectory, "demo.db");
        }
        finally
        {
            _demoLock.Release();
        }
    }

    private async Task<T> RunGuardedAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken, long? maxSteps = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string file = await MainFileAsync(cancellationToken);
        if (!File.Exists(file))
        {
            throw new BackendException(BackendErrorKind.Unavailable, "The SQLite database file does not exist. An administrator must check `SqlitePath`.");
        }

        var guard = new StepGuard(maxSteps ?? Options.MaxSqliteSteps, Time.GetUtcNow() + Options.StatementTimeout, Time, cancellationToken);
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = file,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
                DefaultTimeout = (int)Math.Ceiling(Options.LockTimeout.TotalSeconds),
            }.ToString());
            connection.Open();
            using (SqliteCommand setup = connection.CreateCommand())
            {
                if (_path is null)
                {
                    // ATTACH inherits the read-only open flags of the main connection.
                    setup.CommandText = "ATTACH DATABASE @file AS hr";
                    setup.Parameters.AddWithValue("@file", Path.Combine(Path.GetDirectoryName(file)!, "hr.db"));
                    setup.ExecuteNonQuery();
                    setup.Parameters.Clear();
                }

                setup.CommandText = "PRAGMA query_only = ON";
                setup.ExecuteNonQuery();
            }

            raw.sqlite3_progress_handler(connection.Handle, ProgressInterval, StepGuard.Callback, guard);
            return await work(connection, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw Map(ex, guard);
        }
    }

    private Exception Map(SqliteException ex, StepGuard guard)
    {
        const int Interrupted = 9;
        if (ex.SqliteErrorCode == Interrupted)
        {
            switch (guard.Reason)
            {
                case StopReason.Cancelled:
                    return new OperationCanceledException("The database call was cancelled.", ex, guard.CancellationToken);
                case StopReason.Budget:
                    Log.TooExpensive(Logger, guard.Steps, guard.MaxSteps);
                    return TooExpensive(string.Create(CultureInfo.InvariantCulture, $"it needed more than {guard.MaxSteps} steps"));
                case StopReason.Deadline:
                    return Timeout();
            }
        }

        BackendException mapped = ex.SqliteErrorCode switch
        {
            8 => new BackendException(BackendErrorKind.Forbidden, "The statement tried to change data; this server is read-only."),
            5 or 6 => new BackendException(BackendErrorKind.TimedOut, "The database file is locked by another process. Retry shortly."),
            11 or 14 or 26 => new BackendException(BackendErrorKind.Unavailable, "The SQLite database file cannot be opened or is damaged. An administrator must check `SqlitePath`."),
            23 => new BackendException(BackendErrorKind.Forbidden, "The database refused access to this object."),
            _ => new BackendException(BackendErrorKind.Invalid, $"The statement is not valid for this database (SQLite error {ex.SqliteErrorCode.ToString(CultureInfo.InvariantCulture)}). If this is a declared tool, an administrator should run mcp-database --check."),
        };
        Log.BackendError(Logger, ex.SqliteErrorCode.ToString(CultureInfo.InvariantCulture), mapped.Kind.ToString(), ex);
        return new BackendException(mapped.Kind, mapped.SafeMessage, ex);
    }

    private enum StopReason
    {
        None,
        Budget,
        Deadline,
        Cancelled,
    }

    /// <summary>State for sqlite3_progress_handler: a non-zero return interrupts the running statement (SQLITE_INTERRUPT).</summary>
    private sealed class StepGuard(long maxSteps, DateTimeOffset deadline, TimeProvider time, CancellationToken cancellationToken)
    {
        public static readonly delegate_progress Callback = state => ((StepGuard)state).Tick();

        public StopReason Reason { get; private set; }

        public long Steps { get; private set; }

        public long MaxSteps => maxSteps;

        public CancellationToken CancellationToken => cancellationToken;

        private int Tick()
        {
            Steps += ProgressInterval;
            if (cancellationToken.IsCancellationRequested)
            {
                Reason = StopReason.Cancelled;
            }
            else if (Steps > maxSteps)
            {
                Reason = StopReason.Budget;
            }
            else if (time.GetUtcNow() > deadline)
            {
                Reason = StopReason.Deadline;
            }

            return Reason == StopReason.None ? 0 : 1;
        }
    }
}
