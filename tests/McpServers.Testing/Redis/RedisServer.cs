using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace McpServers.Testing.Redis;

/// <summary>
/// One throwaway Redis server per test assembly (register with <c>[assembly: AssemblyFixture(typeof(RedisServer))]</c>).
/// It runs <c>redis-server</c> (PATH, /usr/bin or /usr/sbin) on a free loopback port with its temp folder as working
/// directory and no persistence, and deletes everything on dispose. If <c>MCP_TEST_REDIS</c> holds a
/// <c>host:port</c>, that server is used instead. When Redis is missing, <see cref="ServerProcessFixture.RequireAvailable"/>
/// skips the test, except under <c>CI=true</c>, where it fails.
/// </summary>
public sealed class RedisServer() : ServerProcessFixture(EnvironmentVariable, "throwaway Redis server",
    "The Redis server binary (redis-server) was not found on PATH, /usr/bin or /usr/sbin", "redis-server")
{
    public const string EnvironmentVariable = "MCP_TEST_REDIS";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private string? _directory;
    private string? _serverBinary;
    private Process? _process;

    /// <summary>Where the server listens, in StackExchange.Redis form (<c>127.0.0.1:PORT</c>); empty until started.</summary>
    public string ConnectionString => AdminConnectionString ?? string.Empty;

    private protected override string AdminConnectionStringFor(string connectionString) => connectionString.Trim();

    private protected override bool FindBinaries()
    {
        _serverBinary = Find("redis-server", "/usr/bin", "/usr/sbin");
        return _serverBinary is not null;
    }

    private protected override bool IsStartFailure(Exception ex) => base.IsStartFailure(ex) || ex is TimeoutException;

    private protected override async Task<string> StartAsync()
    {
        _directory = Directory.CreateTempSubdirectory("mcp-redis-").FullName;
        int port = FreePort();

        // No config file: nothing from /etc/redis. No RDB snapshots, no append-only file: the data dies with the process.
        _process = Process.Start(ProcessStart.For(_serverBinary!,
        [
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--protected-mode", "no", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", _directory,
            "--logfile", Path.Combine(_directory, "server.log"),
        ], _directory)) ?? throw new InvalidOperationException("Could not start redis-server.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Readiness: the server answers PING (it writes no ready file); bounded by one generous deadline.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {LogTail(_directory)}");
            }

            if (await AnswersPingAsync(port))
            {
                return $"127.0.0.1:{port}";
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"redis-server did not answer PING within {StartTimeout.TotalSeconds} s: {LogTail(_directory)}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends the inline command <c>PING</c> (RESP allows one per line) and expects the simple string <c>+PONG</c>.</summary>
    private static async Task<bool> AnswersPingAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            byte[] buffer = new byte[64];
            int read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private protected override async Task StopAsync()
    {
        await StopProcessAsync(_process, _directory);
        _process = null;
        _directory = null;
    }
}
