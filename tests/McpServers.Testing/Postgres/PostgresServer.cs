using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace McpServers.Testing.Postgres;

/// <summary>
/// One throwaway PostgreSQL cluster per test assembly (register with <c>[assembly: AssemblyFixture(typeof(PostgresServer))]</c>
/// or use as a collection fixture). It runs <c>initdb</c>/<c>pg_ctl</c> from PATH or <c>/usr/lib/postgresql/*/bin</c> on a
/// free loopback port with trust authentication, sockets in its temp folder, and deletes everything on dispose.
/// If <c>MCP_TEST_POSTGRES</c> holds a connection string, that server is used instead (it needs CREATEDB and CREATEROLE).
/// When PostgreSQL is missing, <see cref="RequireAvailable"/> skips the test, except under <c>CI=true</c>, where it fails.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "MCP_TEST_POSTGRES";
    private const string Superuser = "postgres";

    private readonly SemaphoreSlim _templateLock = new(1, 1);
    private readonly HashSet<string> _templates = new(StringComparer.Ordinal);
    private string? _dataDirectory;
    private string? _binDirectory;
    private bool _runAsPostgresUser;
    private int _counter;

    /// <summary>Connection string of the administrative (superuser) role, database <c>postgres</c>; null until started.</summary>
    public string? AdminConnectionString { get; private set; }

    /// <summary>Why the server is not available (null when it is).</summary>
    public string? UnavailableReason { get; private set; }

    public bool IsAvailable => AdminConnectionString is not null;

    public async ValueTask InitializeAsync()
    {
        string? external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            AdminConnectionString = new NpgsqlConnectionStringBuilder(external) { Pooling = false }.ConnectionString;
            return;
        }

        _binDirectory = FindBinDirectory();
        if (_binDirectory is null)
        {
            UnavailableReason = "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
                $"Install them (Debian/Ubuntu: apt-get install postgresql) or set {EnvironmentVariable} to a connection string.";
            return;
        }

        try
        {
            await StartClusterAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            // A broken installation is a failure, not a skip: report it from every test that needs the server.
            UnavailableReason = "Starting the throwaway PostgreSQL cluster failed: " + ex.Message;
            await StopClusterAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopClusterAsync();
        _templateLock.Dispose();
    }

    /// <summary>Skips the calling test when PostgreSQL is missing (fails instead under CI=true or when it is installed but broken).</summary>
    public void RequireAvailable()
    {
        if (IsAvailable)
        {
            return;
        }

        if (_binDirectory is not null)
        {
            Assert.Fail(UnavailableReason);
        }

        Prerequisite.Missing(UnavailableReason!);
    }

    /// <summary>
    /// Creates a template database once per name (running <paramref name="setup"/> in it as the superuser), so test
    /// classes can clone it cheaply with <see cref="CreateDatabaseAsync"/>.
    /// </summary>
    public async Task EnsureTemplateAsync(string name, Func<TestDatabase, Task> setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        RequireAvailable();
        await _templateLock.WaitAsync();
        try
        {
            if (_templates.Contains(name))
            {
                return;
            }

            string database = $"tmpl_{name}_{Environment.ProcessId}";
            await AdminExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\"");
            await AdminExecuteAsync($"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8'");
            await setup(new TestDatabase(this, database, ConnectionString(database)));
            _templates.Add(name);
        }
        finally
        {
            _templateLock.Release();
        }
    }

    /// <summary>A fresh database, empty or cloned from a template made by <see cref="EnsureTemplateAsync"/>.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync(string? template = null)
    {
        RequireAvailable();
        string database = $"test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        string source = template is null ? "template0" : $"tmpl_{template}_{Environment.ProcessId}";

        // CREATE DATABASE … TEMPLATE needs the template to have no other sessions; clones are serialised with template creation.
        await _templateLock.WaitAsync();
        try
        {
            await AdminExecuteAsync($"CREATE DATABASE \"{database}\" TEMPLATE \"{source}\" ENCODING 'UTF8'");
        }
        finally
        {
            _templateLock.Release();
        }

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

    private async Task StartClusterAsync()
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
        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = Superuser,
            Database = "postgres",
            Pooling = false,
            Timeout = 30,
        }.ConnectionString;
    }

    private async Task StopClusterAsync()
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

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }

        _dataDirectory = null;
        AdminConnectionString = null;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (string a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

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
