using Npgsql;

namespace McpServers.Testing.Postgres;

/// <summary>
/// One throwaway PostgreSQL cluster per test assembly (register with <c>[assembly: AssemblyFixture(typeof(PostgresServer))]</c>
/// or use as a collection fixture). It runs <c>initdb</c>/<c>pg_ctl</c> from PATH or <c>/usr/lib/postgresql/*/bin</c> on a
/// free loopback port with trust authentication, sockets in its temp folder, and deletes everything on dispose.
/// If <c>MCP_TEST_POSTGRES</c> holds a connection string, that server is used instead (it needs CREATEDB and CREATEROLE).
/// When PostgreSQL is missing, <see cref="RequireAvailable"/> skips the test, except under <c>CI=true</c>, where it fails.
/// </summary>
public sealed class PostgresServer() : ServerProcessFixture(EnvironmentVariable, "throwaway PostgreSQL cluster",
    "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin", "postgresql")
{
    public const string EnvironmentVariable = "MCP_TEST_POSTGRES";
    private const string Superuser = "postgres";

    private string? _dataDirectory;
    private string? _binDirectory;
    private bool _runAsPostgresUser;
    private int _counter;

    private protected override string AdminConnectionStringFor(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    private protected override bool FindBinaries() => (_binDirectory = FindBinDirectory()) is not null;

    /// <summary>
    /// Creates a template database once per name (running <paramref name="setup"/> in it as the superuser), so test
    /// classes can clone it cheaply with <see cref="CreateDatabaseAsync"/>.
    /// </summary>
    public async Task EnsureTemplateAsync(string name, Func<TestDatabase, Task> setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        await SetUpOnceAsync(name, async () =>
        {
            string database = $"tmpl_{name}_{Environment.ProcessId}";
            await AdminExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\"");
            await AdminExecuteAsync($"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8'");
            await setup(new TestDatabase(this, database, ConnectionString(database)));
        });
    }

    /// <summary>A fresh database, empty or cloned from a template made by <see cref="EnsureTemplateAsync"/>.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync(string? template = null)
    {
        RequireAvailable();
        string database = $"test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        string source = template is null ? "template0" : $"tmpl_{template}_{Environment.ProcessId}";

        // CREATE DATABASE … TEMPLATE needs the template to have no other sessions; clones are serialised with template creation.
        await SerialisedAsync(() => AdminExecuteAsync($"CREATE DATABASE \"{database}\" TEMPLATE \"{source}\" ENCODING 'UTF8'"));

        return new TestDatabase(this, database, ConnectionString(database));
    }

    internal string ConnectionString(string database, string? user = null) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Username = user ?? new NpgsqlConnectionStringBuilder(AdminConnectionString).Username, Pooling = false }.ConnectionString;

    internal async Task AdminExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    private protected override async Task<string> StartAsync()
    {
        _runAsPostgresUser = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        _dataDirectory = Directory.CreateTempSubdirectory("mcp-pg-").FullName;
        if (_runAsPostgresUser)
        {
            // initdb refuses to run as root; the Debian package's `postgres` user owns the cluster instead.
            await RunAsync("chown", ["-R", "postgres:postgres", _dataDirectory], asPostgres: false);
        }

        string data = Path.Combine(_dataDirectory, "data");
        await RunAsync(Path.Combine(_binDirectory!, "initdb"), ["-D", data, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], _runAsPostgresUser);
        int port = FreePort();
        string options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={_dataDirectory} " +
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=60";
        await RunAsync(Path.Combine(_binDirectory!, "pg_ctl"), ["-D", data, "-l", Path.Combine(_dataDirectory, "server.log"), "-o", options, "-w", "-t", "60", "start"], _runAsPostgresUser);
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = Superuser,
            Database = "postgres",
            Pooling = false,
            Timeout = 30,
        }.ConnectionString;
    }

    private protected override async Task StopAsync()
    {
        if (_dataDirectory is null)
        {
            return;
        }

        string data = Path.Combine(_dataDirectory, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            try
            {
                await RunAsync(Path.Combine(_binDirectory!, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], _runAsPostgresUser);
            }
            catch (InvalidOperationException)
            {
                // Best effort: the directory is removed below either way.
            }
        }

        DeleteDirectory(_dataDirectory);
        _dataDirectory = null;
    }

    /// <summary>Runs a cluster tool, as the <c>postgres</c> user (through runuser) when <paramref name="asPostgres"/>.</summary>
    private static Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres) =>
        asPostgres
            ? RunAsync("runuser", ["-u", "postgres", "--", file, .. arguments], TimeSpan.FromSeconds(90), file)
            : RunAsync(file, arguments, TimeSpan.FromSeconds(90));

    private static string? FindBinDirectory()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out int v) ? v : 0))
            .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Dir)
            .FirstOrDefault();
    }
}

/// <summary>A database in the test cluster. <see cref="OwnerConnectionString"/> connects as the superuser that created it.</summary>
public sealed class TestDatabase
{
    private readonly PostgresServer _server;

    internal TestDatabase(PostgresServer server, string name, string ownerConnectionString)
    {
        _server = server;
        Name = name;
        OwnerConnectionString = ownerConnectionString;
    }

    public string Name { get; }

    public string OwnerConnectionString { get; }

    /// <summary>Runs setup SQL (any number of statements) as the owner.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query as the owner and returns the first column of the first row.</summary>
    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        object? value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>
    /// Creates a login role that can only read (CONNECT, USAGE and SELECT on the given schemas) — the "proper"
    /// configuration — and returns its connection string.
    /// </summary>
    public async Task<string> CreateReadOnlyRoleAsync(params string[] schemas)
    {
        string role = $"{Name}_reader";
        string[] granted = schemas.Length == 0 ? ["public"] : schemas;
        string grants = string.Concat(granted.Select(s => $"GRANT USAGE ON SCHEMA \"{s}\" TO \"{role}\"; GRANT SELECT ON ALL TABLES IN SCHEMA \"{s}\" TO \"{role}\";"));
        await _server.AdminExecuteAsync($"DROP ROLE IF EXISTS \"{role}\"; CREATE ROLE \"{role}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; GRANT CONNECT ON DATABASE \"{Name}\" TO \"{role}\"");
        await ExecuteAsync($"REVOKE CREATE ON SCHEMA public FROM PUBLIC; {grants}");
        return _server.ConnectionString(Name, role);
    }
}
