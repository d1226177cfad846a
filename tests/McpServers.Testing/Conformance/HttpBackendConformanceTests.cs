using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using McpServers.Testing.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit;

namespace McpServers.Testing.Conformance;

/// <summary>What the HTTP conformance checks need to know about a server whose backend speaks HTTP.</summary>
public interface IHttpBackendServer
{
    /// <summary>The server's own registration, e.g. <c>services.AddTicketingServer(configuration)</c>.</summary>
    IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration);

    /// <summary>Settings for a server whose backend is at <paramref name="backend"/>, with retries off.</summary>
    IReadOnlyDictionary<string, string?> SettingsFor(Uri backend);

    /// <summary>The configuration section of the backend's HTTP client, e.g. <c>Jira:Http</c>.</summary>
    string HttpSection { get; }

    /// <summary>A read-only call that reaches the backend.</summary>
    (string Tool, JsonObject Arguments) BackendCall { get; }
}

/// <summary>
/// Backends are untrusted (issue 9 §1): every HTTP server is driven against a loopback backend that redirects or
/// answers with a hostile body, and must end each call with a clear backend error (audited as such), never an
/// internal error, an out-of-memory or a request to the redirect's target. Outcomes only: the error text, the audit
/// outcome, what the fakes received and sent; never timing or memory use.
/// </summary>
public abstract class HttpBackendConformanceTests<TServer> where TServer : IHttpBackendServer
{
    private const string RedirectRefused = "answered with a redirect to another location; an administrator must fix the base URL setting.";
    private const long Huge = 1024L * 1024 * 1024;

    protected abstract TServer Server { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task BackendRedirectToAnotherHost_IsRefused_AndTheOtherHostReceivesNothing(int status)
    {
        await using LoopbackHttpServer other = await StartAsync(s => s.MapEverywhere(_ => Task.CompletedTask));
        await using LoopbackHttpServer backend = await StartAsync(s =>
            s.MapEverywhere(LoopbackHttpServer.Redirect(status, LoopbackHttpServer.LocationOn(other, "elsewhere"), "session=s3cr3t; Path=/")));

        (CallToolResult result, InMemoryMcpServer host) = await CallAsync(backend);
        await using (host)
        {
            Assert.True(result.IsError);
            Assert.Contains(RedirectRefused, Text(result), StringComparison.Ordinal);
            Assert.DoesNotContain(other.BaseAddress.Authority, Text(result), StringComparison.Ordinal);
            Assert.Empty(other.Requests);
            Assert.Contains(other.BaseAddress.Authority, host.DiagnosticLog, StringComparison.Ordinal);
            Assert.Equal(AuditOutcome.BackendError, Outcome(host));
            // The administrator learns where the service pointed from the audit line; the model does not.
            Assert.Contains(other.BaseAddress.Authority, Assert.Single(host.AuditEvents()).GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/x")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://127.0.0.1:70/x")]
    public async Task BackendRedirectToAnOddScheme_IsABackendError_NotAnInternalError(string location)
    {
        await using LoopbackHttpServer backend = await StartAsync(s => s.MapEverywhere(LoopbackHttpServer.Redirect(302, location)));

        (CallToolResult result, InMemoryMcpServer host) = await CallAsync(backend);
        await using (host)
        {
            Assert.True(result.IsError);
            Assert.Contains(RedirectRefused, Text(result), StringComparison.Ordinal);
            Assert.Equal(AuditOutcome.BackendError, Outcome(host));
        }
    }

    [Fact]
    public async Task HugeBackendBody_EndsAsAClearError_WithoutReadingItAll()
    {
        await using LoopbackHttpServer backend = await StartAsync(s => s.MapEverywhere(s.HugeBody(Huge)));

        // Below any server's own result cap, so that the shared cap is what answers (a server may cut a body it reads).
        (CallToolResult result, InMemoryMcpServer host) = await CallAsync(backend, (Server.HttpSection + ":MaxResponseBytes", "65536"));
        await using (host)
        {
            Assert.True(result.IsError);
            Assert.Contains("response was larger than 64 KB", Text(result), StringComparison.Ordinal);
            Assert.Equal(AuditOutcome.BackendError, Outcome(host));
        }

        // Socket buffers hold tens of megabytes at most: the client hung up long before the end.
        Assert.InRange(backend.BodyBytesSent, 0, Huge / 2);
    }

    [Fact]
    public async Task GzipBombFromTheBackend_StopsAtTheDecompressedCap()
    {
        await using LoopbackHttpServer backend = await StartAsync(s => s.MapEverywhere(s.GzipBomb(3 * Huge)));

        // Below any server's own result cap, so that the shared cap is what answers (a server may cut a body it reads).
        (CallToolResult result, InMemoryMcpServer host) = await CallAsync(backend, (Server.HttpSection + ":MaxResponseBytes", "65536"));
        await using (host)
        {
            Assert.True(result.IsError);
            Assert.Contains("response was larger than 64 KB", Text(result), StringComparison.Ordinal);
            Assert.Equal(AuditOutcome.BackendError, Outcome(host));
        }
    }

    [Fact]
    public async Task EndlessBackendBody_EndsWithTheTotalTimeout()
    {
        // One byte and then nothing: the call's total time limit is the only way this call can end.
        await using LoopbackHttpServer backend = await StartAsync(s => s.MapEverywhere(s.EndlessBody()));

        (CallToolResult result, InMemoryMcpServer host) = await CallAsync(backend,
            (Server.HttpSection + ":Timeout", "00:00:00.500"), (Server.HttpSection + ":TotalTimeout", "00:00:01"),
            (Server.HttpSection + ":MaxRetryAfter", "00:00:01"));
        await using (host)
        {
            Assert.True(result.IsError);
            Assert.Contains("did not answer in time", Text(result), StringComparison.Ordinal);
            Assert.Equal(AuditOutcome.BackendError, Outcome(host));
        }
    }

    [Fact]
    public async Task CookiesSetByTheBackend_AreNeverSentBack()
    {
        await using LoopbackHttpServer backend = await StartAsync(s => s.MapEverywhere(LoopbackHttpServer.SetCookie("session=s3cr3t; Path=/")));
        await using InMemoryMcpServer host = new(Server.Register, Server.SettingsFor(backend.BaseAddress));
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        (string tool, JsonObject arguments) = Server.BackendCall;

        await client.CallToolAsync(tool, ToDictionary(arguments), cancellationToken: Ct);
        await client.CallToolAsync(tool, ToDictionary(arguments), cancellationToken: Ct);

        Assert.True(backend.Requests.Count >= 2, "each call reaches the backend");
        Assert.All(backend.Requests, r => Assert.Null(r.Header("Cookie")));
    }

    private async Task<(CallToolResult Result, InMemoryMcpServer Host)> CallAsync(LoopbackHttpServer backend, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(Server.SettingsFor(backend.BaseAddress), StringComparer.OrdinalIgnoreCase);
        foreach ((string key, string value) in extra)
        {
            settings[key] = value;
        }

        var host = new InMemoryMcpServer(Server.Register, settings);
        try
        {
            CallToolResult result;
            await using (McpClient client = await host.ConnectAsync(cancellationToken: Ct))
            {
                (string tool, JsonObject arguments) = Server.BackendCall;
                result = await client.CallToolAsync(tool, ToDictionary(arguments), cancellationToken: Ct);
            }

            Assert.DoesNotContain("internal error", Text(result), StringComparison.OrdinalIgnoreCase);
            return (result, host);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private static async Task<LoopbackHttpServer> StartAsync(Action<LoopbackHttpServer> map)
    {
        var server = new LoopbackHttpServer();
        map(server);
        await server.StartAsync(Ct);
        return server;
    }

    private static string? Outcome(InMemoryMcpServer host) =>
        Assert.Single(host.AuditEvents()).GetProperty("outcome").GetString();

    private static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> ToDictionary(JsonObject arguments) =>
        arguments.ToDictionary(p => p.Key, p => (object?)(p.Value is null ? null : JsonSerializer.SerializeToElement(p.Value, Shared.Json.Node)));
}
