using System.Text.Json.Nodes;
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

    public void BreakBackend(IServiceCollection services, Exception failure) =>
        services.AddSingleton<ITestBackend>(new FailingBackend(failure));

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

    private sealed class FailingBackend(Exception failure) : ITestBackend
    {
        public string Echo(string text) => throw failure;
    }
}

public static class TestSecrets
{
    /// <summary>A configured secret that must never appear in any output, log or audit line.</summary>
    public const string ApiKey = "sk-live-CANARY-7f3a9c1e5b";
}
