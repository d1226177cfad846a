using System.Globalization;
using System.Text;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Testing.Conformance;

/// <summary>
/// The transport faults a server's fixture offers the conformance base (<see cref="IConformanceServer.BackendFaults"/>):
/// what a real backend does when it breaks, met by the real gateway over a real socket.
/// </summary>
public static class BackendFaults
{
    /// <summary>
    /// An HTTP backend that answers 500 with a stack trace and an internal host in an HTML body, says nothing until the
    /// configured timeout, answers garbage instead of HTTP, cuts its body short, or is not there at all.
    /// </summary>
    /// <param name="settingsFor">The settings that point the server at a backend, e.g. <c>Jira:BaseUrl</c>.</param>
    /// <param name="httpSection">The configuration section of the backend's HTTP client, e.g. <c>Jira:Http</c>.</param>
    public static IReadOnlyList<BackendFault> Http(Func<Uri, IReadOnlyDictionary<string, string?>> settingsFor, string httpSection)
    {
        ArgumentNullException.ThrowIfNull(settingsFor);
        // The shortest timeouts the shared HTTP settings allow: the silent fake is only left by the client's time limit.
        IReadOnlyDictionary<string, string?> shortTimeouts = new Dictionary<string, string?>
        {
            [httpSection + ":Timeout"] = "00:00:00.100",
            [httpSection + ":TotalTimeout"] = "00:00:00.100",
            [httpSection + ":MaxRetryAfter"] = "00:00:00.100",
        };
        byte[] garbage = Encoding.UTF8.GetBytes("\u0016\u0003\u0001 not http at all\r\n" + FaultCanary.Text + "\r\n\r\n");
        byte[] cutShort = Encoding.UTF8.GetBytes(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"values\":[\"" + FaultCanary.Text);
        return
        [
            new("HTTP 500 with a stack trace and an internal host in the body", async ct =>
            {
                var server = new LoopbackHttpServer();
                server.MapEverywhere(async context =>
                {
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    context.Response.ContentType = "text/html";
                    await context.Response.WriteAsync($"<html><body><h1>Server Error</h1><pre>{FaultCanary.Text}</pre></body></html>", context.RequestAborted);
                });
                await server.StartAsync(ct);
                return new BrokenBackend(settingsFor(server.BaseAddress), server) { Port = server.BaseAddress.Port };
            }),
            Tcp("an HTTP backend that never answers, past the configured timeout", TcpFake.Silent,
                port => Merge(settingsFor(Loopback(port)), shortTimeouts)),
            Tcp("garbage instead of an HTTP response", () => TcpFake.Answering(garbage), port => settingsFor(Loopback(port))),
            Tcp("an HTTP body cut short", () => TcpFake.Answering(cutShort), port => settingsFor(Loopback(port))),
            Closed("an HTTP backend that is not there (closed port)", port => settingsFor(Loopback(port))),
        ];
    }

    /// <summary>A backend whose listener runs <paramref name="start"/>'s script on every connection.</summary>
    public static BackendFault Tcp(string name, Func<TcpFake> start, Func<int, IReadOnlyDictionary<string, string?>> settingsFor) =>
        new(name, _ =>
        {
            TcpFake fake = start();
            return Task.FromResult(new BrokenBackend(settingsFor(fake.Port), fake) { Port = fake.Port });
        });

    /// <summary>A backend that is not there: a loopback port where nothing listens.</summary>
    public static BackendFault Closed(string name, Func<int, IReadOnlyDictionary<string, string?>> settingsFor) =>
        new(name, _ =>
        {
            int port = TcpFake.ClosedPort();
            return Task.FromResult(new BrokenBackend(settingsFor(port)) { Port = port });
        });

    private static Uri Loopback(int port) => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));

    private static Dictionary<string, string?> Merge(IReadOnlyDictionary<string, string?> first, IReadOnlyDictionary<string, string?> second)
    {
        var all = new Dictionary<string, string?>(first, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in second)
        {
            all[key] = value;
        }

        return all;
    }
}
