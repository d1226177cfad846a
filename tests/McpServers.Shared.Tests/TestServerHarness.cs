using System.Text.Json.Nodes;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Testing.Conformance;
using McpServers.Testing.Hosting;
using McpServers.TestServer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Shared.Tests;

/// <summary>The test-only server as the conformance base and the pipeline tests see it.</summary>
public sealed class TestServerUnderTest : IConformanceServer
{
    public ServerIdentity Identity => TestServer.TestServer.Identity;

    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) => services.AddTestServer(configuration);

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["ApiKey"] = TestSecrets.ApiKey };

    public (string Tool, JsonObject Arguments) BackendCall => ("test_echo", new JsonObject { ["message"] = "hello" });

    /// <summary>The test server's pretend backend has no transport: its one fault is a backend failure carrying the canary.</summary>
    public IReadOnlyList<BackendFault> BackendFaults { get; } =
    [
        new("a backend failure with internal details", _ => Task.FromResult(new BrokenBackend(new Dictionary<string, string?>())
        {
            ConfigureServices = s => TransportBugs.ThrowFromEveryCall<ITestBackend>(s,
                new BackendException(BackendErrorKind.Unavailable, innerException: new InvalidOperationException(FaultCanary.Text))),
        })),
    ];

    public void InjectTransportBug(IServiceCollection services, Exception bug) => TransportBugs.ThrowFromEveryCall<ITestBackend>(services, bug);

    public string CommandName => "mcp-testserver";

    public IReadOnlyList<string> StdioArguments => [];

    public string ManifestSnapshotPath => "tests/McpServers.Shared.Tests/testserver.tools.json";

    public static InMemoryMcpServer Start(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var all = new Dictionary<string, string?>(new TestServerUnderTest().Settings);
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        return new InMemoryMcpServer((s, c) => s.AddTestServer(c), all, configure);
    }
}

public static class TestSecrets
{
    /// <summary>A configured secret that must never appear in any output, log or audit line.</summary>
    public const string ApiKey = "sk-live-CANARY-7f3a9c1e5b";
}
