using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using McpServers.TestServer.Tools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

        // Test-only: the shipped servers' machine policy folder is fixed; the tests cannot write to /etc.
        MachinePolicyDirectory = Environment.GetEnvironmentVariable("MCPTEST_MACHINE_POLICY_DIR"),
        Settings =
        [
            new SettingHelp("ApiKey", "A pretend backend credential (used to prove secrets never leak).", Secret: true),
            new SettingHelp("FailCheck", "Make --check report a failure.", "false"),
            new SettingHelp("CheckThrows", "Make --check throw: Backend, Unauthorized, Http, Timeout or Bug.", "None"),
            new SettingHelp("Backend:Region", "The pretend backend's region: lower-case letters and dashes.", "local"),
            new SettingHelp("SendNotes", "Offer test_send_note (an elicitation-only, mandatory-confirmation send).", "false"),
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
        .Add<SumTool>()
        .AddWhen<SendNoteTool>(sp => sp.GetService<NoteSending>() is not null);

    public static IMcpServerBuilder AddTestServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<CallRecorder>();
        services.AddSingleton<TestGate>();
        services.AddSingleton<ITestBackend, TestBackend>();
        if (string.Equals(configuration["SendNotes"], "true", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<NoteSending>();
        }
        services.AddSettings<TestServerSettings>(configuration, "", new TestServerSettingsValidator()).Bind(configuration);
        // Nested sections are registered too: NativeAOT keeps property metadata only for registered types.
        services.AddSettingsSection<PretendBackendSettings>("Backend");
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

/// <summary>The test server's settings, at the configuration root; the host knows its keys from these properties.</summary>
public sealed class TestServerSettings
{
    public string? ApiKey { get; set; }

    public bool FailCheck { get; set; }

    /// <summary>Offer test_send_note (see <see cref="Tools.SendNoteTool"/>).</summary>
    public bool SendNotes { get; set; }

    /// <summary>Make the --check throw instead of returning a verdict (each way a real check can fail).</summary>
    public CheckFailure CheckThrows { get; set; }

    public PretendBackendSettings Backend { get; set; } = new();
}

/// <summary>A nested settings object, so tests cover keys of nested option types (<c>Backend:Region</c>).</summary>
public sealed class PretendBackendSettings
{
    public string Region { get; set; } = "local";
}

/// <summary>A bad <c>Backend:Region</c> stands for a backend setting a real server refuses at start.</summary>
internal sealed class TestServerSettingsValidator : IValidateOptions<TestServerSettings>
{
    public ValidateOptionsResult Validate(string? name, TestServerSettings options) =>
        options.Backend.Region.Length > 0 && options.Backend.Region.All(c => char.IsAsciiLetterLower(c) || c == '-')
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Backend:Region must be lower-case letters and dashes, e.g. eu-west.");
}

public enum CheckFailure
{
    None,
    Backend,
    Unauthorized,
    Http,
    Timeout,
    Bug,
}

internal sealed class TestServerCheck(TestServerSettings settings) : IServerCheck
{
    public Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken) => settings.CheckThrows switch
    {
        CheckFailure.Backend => throw new BackendException(BackendErrorKind.Unavailable, "The pretend backend cannot be reached right now.",
            new HttpRequestException("Connection refused (pretend.invalid:9)")),
        CheckFailure.Unauthorized => throw new BackendException(BackendErrorKind.Unauthorized),
        CheckFailure.Http => throw new HttpRequestException("Name or service not known (pretend.invalid:443)"),
        CheckFailure.Timeout => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 1 seconds elapsing.",
            new TimeoutException("A task was canceled.")),
        CheckFailure.Bug => throw new InvalidCastException($"pretend bug while checking with key={settings.ApiKey}"),
        _ => Task.FromResult<IReadOnlyList<CheckResult>>(settings.FailCheck
            ? [new CheckResult("backend", CheckStatus.Failed, "pretend backend unreachable", "FailCheck")]
            : [new CheckResult("backend", CheckStatus.Ok, $"pretend backend reachable in region {settings.Backend.Region}")]),
    };

    /// <summary>Only the pretend network failures have a setting to name; a refused key falls back to the host's default.</summary>
    public string? SettingToFix(Exception failure) => failure is HttpRequestException ? "Backend:Region" : null;
}
