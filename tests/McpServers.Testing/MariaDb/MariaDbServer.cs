using System.Diagnostics;
using MySqlConnector;

namespace McpServers.Testing.MariaDb;

/// <summary>
/// One throwaway MariaDB server per test assembly (register with <c>[assembly: AssemblyFixture(typeof(MariaDbServer))]</c>).
/// It runs <c>mariadb-install-db</c> and <c>mariadbd</c> (PATH, /usr/sbin or /usr/bin) with <c>--no-defaults</c> on a
/// free loopback port, data and socket in its temp folder, grants enforced, and deletes everything on dispose.
/// If <c>MCP_TEST_MARIADB</c> holds a connection string, that server is used instead (it needs CREATE and CREATE USER).
/// When MariaDB is missing, <see cref="RequireAvailable"/> skips the test, except under <c>CI=true</c>, where it fails.
/// </summary>
public sealed class MariaDbServer() : ServerProcessFixture(EnvironmentVariable, "throwaway MariaDB server",
    "MariaDB server binaries (mariadbd, mariadb-install-db) were not found on PATH, /usr/sbin or /usr/bin", "mariadb-server")
{
    public const string EnvironmentVariable = "MCP_TEST_MARIADB";

    private string? _directory;
    private string? _serverBinary;
    private string? _installBinary;
    private Process? _process;

    private protected override string AdminConnectionStringFor(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString) { Pooling = false, Database = string.Empty }.ConnectionString;

    private protected override bool FindBinaries()
    {
        _serverBinary = Find("mariadbd", "/usr/sbin", "/usr/bin", "/usr/libexec");
        _installBinary = Find("mariadb-install-db", "/usr/bin", "/usr/sbin") ?? Find("mysql_install_db", "/usr/bin", "/usr/sbin");
        return _serverBinary is not null && _installBinary is not null;
    }

    private protected override bool IsStartFailure(Exception ex) => base.IsStartFailure(ex) || ex is TimeoutException or MySqlException;

    /// <summary>
    /// Creates database <paramref name="name"/> once per server (running <paramref name="setup"/> as root with it as the
    /// default database); later calls return at once. Test classes share it: the database server only ever reads.
    /// </summary>
    public async Task EnsureDatabaseAsync(string name, Func<string, Task> setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        await SetUpOnceAsync(name, async () =>
        {
            await AdminExecuteAsync($"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}` CHARACTER SET utf8mb4");
            await setup(ConnectionString(name));
        });
    }

    /// <summary>
    /// A login that can only read (SELECT and SHOW VIEW on the given databases): the recommended configuration. With
    /// <paramref name="writable"/>, it holds every privilege on them instead (to prove the privilege warnings).
    /// </summary>
    public async Task<string> CreateUserAsync(string user, string password, bool writable, params string[] databases)
    {
        RequireAvailable();
        // SHOW VIEW lets the cost gate EXPLAIN statements over views; it reads definitions, nothing else.
        string privileges = writable ? "ALL PRIVILEGES" : "SELECT, SHOW VIEW";
        string grants = string.Concat(databases.Select(d => $"GRANT {privileges} ON `{d}`.* TO '{user}'@'%';"));
        // Idempotent, so test classes can ask for the same user concurrently without dropping each other's sessions.
        await AdminExecuteAsync($"CREATE USER IF NOT EXISTS '{user}'@'%' IDENTIFIED BY '{password}'; {grants}");
        return new MySqlConnectionStringBuilder(AdminConnectionString ?? string.Empty) { UserID = user, Password = password, Database = databases.FirstOrDefault() ?? string.Empty, Pooling = true }.ConnectionString;
    }

    /// <summary>Root's connection string with <paramref name="database"/> as the default database.</summary>
    public string ConnectionString(string database) =>
        new MySqlConnectionStringBuilder(AdminConnectionString ?? string.Empty) { Database = database }.ConnectionString;

    public async Task AdminExecuteAsync(string sql, string? database = null)
    {
        await using var connection = new MySqlConnection(database is null ? AdminConnectionString : ConnectionString(database));
        await connection.OpenAsync();
        await using var cmd = new MySqlCommand(sql, connection) { CommandTimeout = 300 };
        await cmd.ExecuteNonQueryAsync();
    }

    private protected override async Task<string> StartAsync()
    {
        _directory = Directory.CreateTempSubdirectory("mcp-mariadb-").FullName;
        string data = Path.Combine(_directory, "data");
        bool root = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

        // --no-defaults: nothing from /etc/mysql; normal root authentication: root@127.0.0.1 without a password.
        var install = new List<string> { "--no-defaults", $"--datadir={data}", "--auth-root-authentication-method=normal", "--skip-test-db" };
        if (root)
        {
            install.Add("--user=root");
        }

        await RunAsync(_installBinary!, install, TimeSpan.FromSeconds(120));

        int port = FreePort();
        ProcessStartInfo start = ProcessStart.For(_serverBinary!,
        [
            "--no-defaults", $"--datadir={data}", $"--socket={Path.Combine(_directory, "sock")}", $"--port={port}",
            "--bind-address=127.0.0.1", $"--pid-file={Path.Combine(_directory, "mariadbd.pid")}",
            $"--log-error={Path.Combine(_directory, "server.log")}", "--skip-name-resolve", "--innodb-buffer-pool-size=64M",
            "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0", "--max-connections=200",
        ], _directory);
        if (root)
        {
            // mariadbd refuses to run as root unless told to.
            start.ArgumentList.Add("--user=root");
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start mariadbd.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        string admin = new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)port,
            UserID = "root",
            Pooling = false,
            ConnectionTimeout = 5,
            AllowUserVariables = true,
        }.ConnectionString;

        // Readiness: the server accepts a login (it writes no ready file); bounded by one generous deadline.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mariadbd exited with {_process.ExitCode}: {LogTail(_directory)}");
            }

            try
            {
                await using var connection = new MySqlConnection(admin);
                await connection.OpenAsync();
                break;
            }
            catch (MySqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
            }
        }

        return admin;
    }

    private protected override async Task StopAsync()
    {
        await StopProcessAsync(_process, _directory);
        _process = null;
        _directory = null;
    }
}
