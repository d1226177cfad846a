using System.Net;
using System.Net.Sockets;

namespace McpServers.Benchmarks;

/// <summary>
/// A loopback TCP relay in front of the database that counts round trips: a client "flight" starts each time the
/// client sends after the server has answered (or first). Pipelined messages sent together count once, which is
/// exactly what a round trip costs in latency.
/// </summary>
internal sealed class RoundTripCounter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _targetPort;
    private long _flights;

    private RoundTripCounter(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public long Flights => Interlocked.Read(ref _flights);

    public static RoundTripCounter Start(int targetPort) => new(targetPort);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            client.NoDelay = true;
            server.NoDelay = true;
            await server.ConnectAsync(IPAddress.Loopback, _targetPort);
            var answered = new Flag { Value = true };
            Task up = PumpAsync(client.GetStream(), server.GetStream(), () =>
            {
                if (answered.Value)
                {
                    answered.Value = false;
                    Interlocked.Increment(ref _flights);
                }
            });
            Task down = PumpAsync(server.GetStream(), client.GetStream(), () => answered.Value = true);
            await Task.WhenAny(up, down);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Action onData)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                onData();
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Either side closed: the relay ends.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _stop.Dispose();
    }

    /// <summary>Whether the server spoke last on one connection (the two pumps of a connection share it).</summary>
    private sealed class Flag
    {
        public bool Value { get; set; }
    }
}
