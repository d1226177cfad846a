using System.Diagnostics;
using System.Globalization;
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

    /// <summary>The servers' own Redis client (<c>Service:RedisConnectionString</c>) on this server; dispose it when done.</summary>
    public McpServers.Shared.Pipeline.ISharedState ConnectSharedState(string server) => McpServers.Shared.Service.RedisSharedState.Connect(ConnectionString, server);

    /// <summary>Every string value whose key matches <paramref name="pattern"/> (Redis glob), by key: what Redis holds at rest.</summary>
    public async Task<IReadOnlyDictionary<string, string>> StringValuesAsync(string pattern, CancellationToken cancellationToken)
    {
        string[] host = ConnectionString.Split(':');
        using var client = new TcpClient();
        await client.ConnectAsync(host[0], int.Parse(host[1], System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        NetworkStream stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = (List<string?>)(await CommandAsync(stream, reader, cancellationToken, "KEYS", pattern))!;
        foreach (string? key in keys)
        {
            if (key is not null && await CommandAsync(stream, reader, cancellationToken, "TYPE", key) is "string")
            {
                values[key] = (string)(await CommandAsync(stream, reader, cancellationToken, "GET", key))!;
            }
        }

        return values;
    }

    /// <summary>One RESP command; the reply as a string, a list (array) or null.</summary>
    private static async Task<object?> CommandAsync(NetworkStream stream, StreamReader reader, CancellationToken cancellationToken, params string[] parts)
    {
        var command = new StringBuilder($"*{parts.Length}\r\n");
        foreach (string part in parts)
        {
            command.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(command.ToString()), cancellationToken);
        return await ReplyAsync(reader, cancellationToken);
    }

    private static async Task<object?> ReplyAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string line = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("Redis closed the connection.");
        switch (line[0])
        {
            case '+' or ':':
                return line[1..];
            case '-':
                throw new InvalidOperationException("Redis: " + line[1..]);
            case '$':
                // Values here are ASCII (base64, hex, numbers), so characters and bytes agree.
                return line == "$-1" ? null : await reader.ReadLineAsync(cancellationToken);
            default:
                int count = int.Parse(line[1..], CultureInfo.InvariantCulture);
                var items = new List<string?>();
                for (int i = 0; i < count; i++)
                {
                    items.Add((string?)await ReplyAsync(reader, cancellationToken));
                }

                return items;
        }
    }

    private protected override async Task StopAsync()
    {
        await StopProcessAsync(_process, _directory);
        _process = null;
        _directory = null;
    }
}
