using System.Net;
using System.Net.Sockets;

namespace McpServers.Testing.Conformance;

/// <summary>
/// A raw TCP listener on 127.0.0.1 for faults below any protocol: it accepts every connection and hands it to a
/// script (send garbage, hang up, say nothing). A connection that says nothing waits for <see cref="DisposeAsync"/>,
/// never for a clock.
/// </summary>
public sealed class TcpFake : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<NetworkStream, CancellationToken, Task> _script;
    private readonly Task _accepting;
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();

    private TcpFake(Func<NetworkStream, CancellationToken, Task> script)
    {
        _script = script;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Starts a listener that runs <paramref name="script"/> on every connection it accepts.</summary>
    public static TcpFake Start(Func<NetworkStream, CancellationToken, Task> script) => new(script);

    /// <summary>Reads what the client sends first, then answers <paramref name="bytes"/> and hangs up.</summary>
    public static TcpFake Answering(byte[] bytes) => Start(async (stream, ct) =>
    {
        await ReadSomethingAsync(stream, ct);
        await stream.WriteAsync(bytes, ct);
        await stream.FlushAsync(ct);
    });

    /// <summary>Accepts, reads, and never answers: the client's own time limit is the only way out.</summary>
    public static TcpFake Silent() => Start(async (stream, ct) =>
    {
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer, ct) > 0)
        {
        }
    });

    /// <summary>A loopback port where nothing listens (bound once to find a free one, then released).</summary>
    public static int ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] running;
        lock (_gate)
        {
            running = [.. _connections, _accepting];
        }

        try
        {
            await Task.WhenAll(running);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private static async Task ReadSomethingAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[4096];
        _ = await stream.ReadAsync(buffer, ct);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_gate)
            {
                _connections.Add(RunAsync(client));
            }
        }
    }

    private async Task RunAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await _script(client.GetStream(), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The client hung up first, or the fake is stopping: either is the end of the script.
            }
        }
    }
}
