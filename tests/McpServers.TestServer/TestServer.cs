using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using McpServers.TestServer.Tools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.TestServer;

/// <summary>
/// A tiny server that exists only to prove the shared core end to end: one read tool with a constrained schema, a
/// confirmable write tool with its own pre-check and preview, a tool that fails in each way a backend can, a slow tool
/// for cancellation, a tool held at a gate (concurrency), list parameters as the SDK generates them.
/// </summary>
public static class TestServer
{
    public static readonly ServerIdentity Identity = new()
    {
        Name = "mcp-testserver",
        Title = "Test server (shared core proof)",
        Description = "A test-only MCP server for the McpServers suite's own tests. Not shipped.",
        Instructions = "Test server: call test_echo to check connectivity.",
        EnvironmentPrefix = "MCP_TESTSERVER__",
        Version = ServerIdentity.VersionOf(typeof(TestServer).Assembly),
        Settings =
        [
            new SettingHelp("ApiKey", "A pretend backend credential (used to prove secrets never leak).", Secret: true),
            new SettingHelp("FailCheck", "Make --check report a failure.", "false"),
        ],
        Switches = [new ServerSwitch("--fail-check", "FailCheck", "Make --check report a failure.")],
        EnvironmentAliases = [new EnvironmentAlias("TESTSERVER_API_KEY", "ApiKey")],
    };

    public static readonly ToolCatalog Tools = new ToolCatalog()
        .Add<EchoTool>()
        .Add<WriteNoteTool>()
        .Add<FailTool>()
        .Add<SlowTool>()
        .Add<LookupUserTool>()
        .Add<GateTool>()
        .Add<SumTool>();

    public static IMcpServerBuilder AddTestServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<CallRecorder>();
        services.AddSingleton<TestGate>();
        services.AddSingleton<ITestBackend, TestBackend>();
        services.AddSingleton(new TestServerSettings(configuration["ApiKey"], configuration.GetValue<bool>("FailCheck")));
        services.AddSingleton<IServerCheck, TestServerCheck>();
        return services.AddMcpSuiteServer(configuration, Identity, Tools, new ServerJson(TestServerJsonContext.Default));
    }
}

/// <summary>Counts tool invocations, so tests can prove a refused call never reached the tool.</summary>
public sealed class CallRecorder
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public void Record() => Interlocked.Increment(ref _calls);
}

public sealed record TestServerSettings(string? ApiKey, bool FailCheck);

internal sealed class TestServerCheck(TestServerSettings settings) : IServerCheck
{
    public Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CheckResult>>(settings.FailCheck
            ? [new CheckResult("backend", CheckStatus.Failed, "pretend backend unreachable; fix TestServer:FailCheck")]
            : [new CheckResult("backend", CheckStatus.Ok, "pretend backend reachable")]);
}
