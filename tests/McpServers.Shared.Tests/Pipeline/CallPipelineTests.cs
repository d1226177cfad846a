using System.Text.Json;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using McpServers.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Shared.Tests.Pipeline;

public sealed class CallPipelineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static string Outcome(JsonElement e) => e.GetProperty("outcome").GetString()!;

    [Fact]
    public async Task InvalidArguments_NeverReachTheTool_AndTheMessageNamesEachProblem()
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await client.CallToolAsync("test_echo", new Dictionary<string, object?>
        {
            ["message"] = new string('m', 201),
            ["count"] = 9,
            ["color"] = "purple",
            ["colour"] = "red",
        }, cancellationToken: Ct);

        Assert.True(result.IsError);
        string text = Text(result);
        Assert.Contains("`message`", text, StringComparison.Ordinal);
        Assert.Contains("`count` must be at most 5", text, StringComparison.Ordinal);
        Assert.Contains("`color` must be one of", text, StringComparison.Ordinal);
        Assert.Contains("`colour`", text, StringComparison.Ordinal);
        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(AuditOutcome.Invalid, Outcome(Assert.Single(host.AuditEvents())));
    }

    [Theory]
    [InlineData(null)]              // the C# client's default: 2026-07-28, client info travels in each request
    [InlineData("2025-06-18")]
    public async Task Pipeline_WorksOnEveryProtocolRevision(string? version)
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(new McpClientOptions
        {
            ProtocolVersion = version,
            ClientInfo = new Implementation { Name = "revision-test", Version = "9.9" },
        }, Ct);

        CallToolResult ok = await client.CallToolAsync("test_echo", new Dictionary<string, object?> { ["message"] = "hi" }, cancellationToken: Ct);
        CallToolResult invalid = await client.CallToolAsync("test_echo", new Dictionary<string, object?> { ["message"] = "" }, cancellationToken: Ct);

        Assert.Equal("hi", Text(ok));
        Assert.True(invalid.IsError);
        IReadOnlyList<JsonElement> events = host.AuditEvents();
        Assert.Equal([AuditOutcome.Ok, AuditOutcome.Invalid], events.Select(Outcome));
        Assert.All(events, e => Assert.Equal("revision-test", e.GetProperty("client").GetProperty("name").GetString()));
    }

    [Fact]
    public async Task MissingRequiredArgument_IsRefusedBeforeBinding()
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await client.CallToolAsync("test_echo", new Dictionary<string, object?>(), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("missing required parameter `message`", Text(result), StringComparison.Ordinal);
        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);
    }

    [Fact]
    public async Task ValidCall_ReachesTheToolOnce()
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await client.CallToolAsync("test_echo", new Dictionary<string, object?> { ["message"] = "hi", ["count"] = 2, ["color"] = "red" }, cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("[red] hi hi", Text(result));
        Assert.Equal(1, host.Services.GetRequiredService<CallRecorder>().Calls);
        JsonElement audit = Assert.Single(host.AuditEvents());
        Assert.Equal(AuditOutcome.Ok, Outcome(audit));
        Assert.Equal("test_echo", audit.GetProperty("tool").GetString());
        Assert.Equal("hi", audit.GetProperty("arguments").GetProperty("message").GetString());
        Assert.Equal(Environment.UserName, audit.GetProperty("principal").GetProperty("os_user").GetString());
        Assert.False(string.IsNullOrEmpty(audit.GetProperty("client").GetProperty("name").GetString()));
        Assert.True(audit.GetProperty("duration_ms").GetDouble() >= 0);
    }

    [Fact]
    public async Task WriteTool_IsRefusedInReadOnlyMode_EvenWhenCalledByName()
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        Assert.DoesNotContain(await client.ListToolsAsync(cancellationToken: Ct), t => t.Name == "test_write_note");
        CallToolResult result = await client.CallToolAsync("test_write_note", new Dictionary<string, object?> { ["title"] = "x" }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("--allow-writes", Text(result), StringComparison.Ordinal);
        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(AuditOutcome.Denied, Outcome(Assert.Single(host.AuditEvents())));
    }

    [Theory]
    // read-only > exclude > include
    [InlineData("true", "test_write_note", "", "test_write_note", false)]
    [InlineData("false", "test_write_note", "", "test_write_note", true)]
    [InlineData("true", "test_echo,test_fail", "test_echo", "test_echo", false)]
    [InlineData("true", "test_echo,test_fail", "test_echo", "test_fail", true)]
    [InlineData("true", "test_fail", "", "test_slow", false)]
    [InlineData("true", "", "test_slow", "test_slow", false)]
    [InlineData("true", "", "test_slow", "test_echo", true)]
    public async Task Policy_AppliesReadOnlyThenExcludeThenInclude(string readOnly, string include, string exclude, string tool, bool allowed)
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Policy:ReadOnly"] = readOnly,
            ["Policy:Tools"] = include,
            ["Policy:ExcludeTools"] = exclude,
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        bool listed = (await client.ListToolsAsync(cancellationToken: Ct)).Any(t => t.Name == tool);
        var registry = host.Services.GetRequiredService<ToolRegistry>();
        Assert.True(registry.TryGet(tool, out RegisteredTool? registered));

        Assert.Equal(allowed, listed);
        Assert.Equal(allowed, registry.Refusal(registered) is null);
    }

    [Fact]
    public void Policy_NamingAnUnknownTool_FailsAtStartWithTheKnownNames()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            TestServerUnderTest.Start(new Dictionary<string, string?> { ["Policy:Tools"] = "test_echo,test_ecko" }));

        Assert.Contains("test_ecko", error.Message, StringComparison.Ordinal);
        Assert.Contains("test_echo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_RefusesCallsOverThePerToolBudget()
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?> { ["RateLimits:Tools:test_echo"] = "2" });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        var args = new Dictionary<string, object?> { ["message"] = "hi" };

        CallToolResult first = await client.CallToolAsync("test_echo", args, cancellationToken: Ct);
        CallToolResult second = await client.CallToolAsync("test_echo", args, cancellationToken: Ct);
        CallToolResult third = await client.CallToolAsync("test_echo", args, cancellationToken: Ct);
        CallToolResult other = await client.CallToolAsync("test_lookup_user", new Dictionary<string, object?> { ["user"] = "ada" }, cancellationToken: Ct);

        Assert.NotEqual(true, first.IsError);
        Assert.NotEqual(true, second.IsError);
        Assert.True(third.IsError);
        Assert.Contains("2 calls per minute", Text(third), StringComparison.Ordinal);
        Assert.NotEqual(true, other.IsError);
        Assert.Equal(3, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal([AuditOutcome.Ok, AuditOutcome.Ok, AuditOutcome.RateLimited, AuditOutcome.Ok], host.AuditEvents().Select(Outcome));
    }

    [Fact]
    public async Task WriteTools_HaveTheConservativeDefaultLimit()
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?> { ["Policy:ReadOnly"] = "false" });
        var registry = host.Services.GetRequiredService<ToolRegistry>();

        Assert.True(registry.TryGet("test_write_note", out RegisteredTool? write));
        Assert.True(registry.TryGet("test_echo", out RegisteredTool? read));
        Assert.Equal(10, write.PerMinute);
        Assert.Equal(120, read.PerMinute);
    }

    [Fact]
    public async Task Confirmation_WithoutElicitation_IssuesATokenBoundToTheExactArguments()
    {
        var clock = new ManualTimeProvider();
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?> { ["Policy:ReadOnly"] = "false" },
            s => s.AddSingleton<TimeProvider>(clock));
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        var recorder = host.Services.GetRequiredService<CallRecorder>();
        var args = new Dictionary<string, object?> { ["title"] = "Q3 plan", ["body"] = "draft" };

        CallToolResult preview = await client.CallToolAsync("test_write_note", args, cancellationToken: Ct);
        string token = TokenFrom(preview);
        // Nothing happened yet: an error result, so a tool with an outputSchema owes no structuredContent.
        Assert.True(preview.IsError);
        Assert.Contains("Q3 plan", Text(preview), StringComparison.Ordinal);
        Assert.Equal(0, recorder.Calls);

        // Changed argument: refused, and the token is spent.
        CallToolResult changed = await client.CallToolAsync("test_write_note", With(new() { ["title"] = "Q4 plan", ["body"] = "draft" }, token), cancellationToken: Ct);
        Assert.True(changed.IsError);
        Assert.Equal(0, recorder.Calls);
        CallToolResult afterChange = await client.CallToolAsync("test_write_note", With(args, token), cancellationToken: Ct);
        Assert.True(afterChange.IsError);

        // Fresh token, same arguments in another key order: accepted once.
        string second = TokenFrom(await client.CallToolAsync("test_write_note", args, cancellationToken: Ct));
        CallToolResult confirmed = await client.CallToolAsync("test_write_note", With(new() { ["body"] = "draft", ["title"] = "Q3 plan" }, second), cancellationToken: Ct);
        Assert.NotEqual(true, confirmed.IsError);
        Assert.Equal(1, recorder.Calls);
        CallToolResult reused = await client.CallToolAsync("test_write_note", With(args, second), cancellationToken: Ct);
        Assert.True(reused.IsError);
        Assert.Equal(1, recorder.Calls);

        // Expired: refused.
        string third = TokenFrom(await client.CallToolAsync("test_write_note", args, cancellationToken: Ct));
        clock.Advance(TimeSpan.FromMinutes(6));
        CallToolResult expired = await client.CallToolAsync("test_write_note", With(args, third), cancellationToken: Ct);
        Assert.True(expired.IsError);
        Assert.Equal(1, recorder.Calls);

        Assert.Equal(
            [AuditOutcome.Unconfirmed, AuditOutcome.Unconfirmed, AuditOutcome.Unconfirmed, AuditOutcome.Unconfirmed, AuditOutcome.Ok,
             AuditOutcome.Unconfirmed, AuditOutcome.Unconfirmed, AuditOutcome.Unconfirmed],
            host.AuditEvents().Select(Outcome));
        Assert.DoesNotContain(token, string.Concat(host.AuditEvents().Select(e => e.GetProperty("arguments").GetRawText())), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, 1, AuditOutcome.Ok)]
    [InlineData(false, 0, AuditOutcome.Unconfirmed)]
    public async Task Confirmation_WithElicitation_AsksTheUser(bool userConfirms, int expectedCalls, string expectedOutcome)
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?> { ["Policy:ReadOnly"] = "false" });
        string? asked = null;
        await using McpClient client = await host.ConnectAsync(new McpClientOptions
        {
            ProtocolVersion = "2025-11-25",
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (request, _) =>
                {
                    asked = request?.Message;
                    return ValueTask.FromResult(new ElicitResult
                    {
                        Action = userConfirms ? "accept" : "decline",
                        Content = userConfirms ? new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) } : null,
                    });
                },
            },
        }, Ct);

        CallToolResult result = await client.CallToolAsync("test_write_note", new Dictionary<string, object?> { ["title"] = "Budget" }, cancellationToken: Ct);

        Assert.Contains("Budget", asked, StringComparison.Ordinal);
        Assert.Equal(!userConfirms, result.IsError == true);
        Assert.Equal(expectedCalls, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(expectedOutcome, Outcome(Assert.Single(host.AuditEvents())));
    }

    [Fact]
    public async Task Confirmation_CanBeTurnedOffPerTool()
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Policy:ReadOnly"] = "false",
            ["Confirmation:Disable"] = "test_write_note",
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await client.CallToolAsync("test_write_note", new Dictionary<string, object?> { ["title"] = "x" }, cancellationToken: Ct);

        Assert.StartsWith("Wrote note", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("confirmation_token", (await client.ListToolsAsync(cancellationToken: Ct)).Single(t => t.Name == "test_write_note").ProtocolTool.InputSchema.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_RedactsSecretParametersAndSecretLookingNames()
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        await client.CallToolAsync("test_lookup_user", new Dictionary<string, object?>
        {
            ["user"] = "ada",
            ["password"] = "hunter2-correct-horse",
            ["pin"] = "8812",
        }, cancellationToken: Ct);

        string raw = AuditFiles.RawText(host.AuditDirectory);
        JsonElement args = Assert.Single(host.AuditEvents()).GetProperty("arguments");
        Assert.Equal("ada", args.GetProperty("user").GetString());
        Assert.Equal("***", args.GetProperty("password").GetString());
        Assert.Equal("***", args.GetProperty("pin").GetString());
        Assert.DoesNotContain("hunter2", raw, StringComparison.Ordinal);
        // Quoted: the bare digits can occur by chance inside a random correlation id (it failed once that way).
        Assert.DoesNotContain("\"8812\"", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_MasksAConfiguredSecretWhereverItAppears()
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult echoed = await client.CallToolAsync("test_echo", new Dictionary<string, object?> { ["message"] = "key " + TestSecrets.ApiKey }, cancellationToken: Ct);
        CallToolResult bug = await client.CallToolAsync("test_fail", new Dictionary<string, object?> { ["mode"] = "bug" }, cancellationToken: Ct);
        CallToolResult backend = await client.CallToolAsync("test_fail", new Dictionary<string, object?> { ["mode"] = "backend" }, cancellationToken: Ct);

        Assert.DoesNotContain(TestSecrets.ApiKey, AuditFiles.RawText(host.AuditDirectory), StringComparison.Ordinal);
        Assert.DoesNotContain(TestSecrets.ApiKey, host.DiagnosticLog, StringComparison.Ordinal);
        Assert.Contains("key=***", host.DiagnosticLog, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSecrets.ApiKey, Text(bug) + Text(backend), StringComparison.Ordinal);
        Assert.NotNull(echoed);
    }

    [Fact]
    public async Task Errors_MapByKind_WithoutLeakingDetails()
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult input = await client.CallToolAsync("test_fail", new Dictionary<string, object?> { ["mode"] = "input" }, cancellationToken: Ct);
        CallToolResult backend = await client.CallToolAsync("test_fail", new Dictionary<string, object?> { ["mode"] = "backend" }, cancellationToken: Ct);
        CallToolResult bug = await client.CallToolAsync("test_fail", new Dictionary<string, object?> { ["mode"] = "bug" }, cancellationToken: Ct);

        IReadOnlyList<JsonElement> audit = host.AuditEvents();
        Assert.Equal("`mode` input: pick another mode.", Text(input));
        Assert.StartsWith("The backend is unavailable right now", Text(backend), StringComparison.Ordinal);
        Assert.Contains(audit[1].GetProperty("correlation_id").GetString()!, Text(backend), StringComparison.Ordinal);
        Assert.Contains(audit[2].GetProperty("correlation_id").GetString()!, Text(bug), StringComparison.Ordinal);
        Assert.Contains(audit[2].GetProperty("correlation_id").GetString()!, host.DiagnosticLog, StringComparison.Ordinal);
        foreach (CallToolResult r in new[] { input, backend, bug })
        {
            Assert.True(r.IsError);
            Assert.DoesNotContain("internal.example", Text(r), StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", Text(r), StringComparison.Ordinal);
        }

        Assert.Equal([AuditOutcome.Invalid, AuditOutcome.BackendError, AuditOutcome.Error], audit.Select(Outcome));
    }

    [Fact]
    public async Task Cancellation_StopsTheToolAndIsAudited()
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await client.CallToolAsync("test_slow", new Dictionary<string, object?> { ["seconds"] = 60 }, cancellationToken: cancel.Token));

        // The server learns of the cancellation by notification; wait (bounded) for its audit line.
        IReadOnlyList<JsonElement> events = [];
        for (int i = 0; i < 100 && events.Count == 0; i++)
        {
            await Task.Delay(50, Ct);
            events = host.AuditEvents();
        }

        Assert.Equal(AuditOutcome.Cancelled, Outcome(Assert.Single(events)));
        Assert.True(Assert.Single(events).GetProperty("duration_ms").GetDouble() < 30_000);
    }

    [Fact]
    public async Task UnknownTool_IsAProtocolErrorAndAudited()
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await client.CallToolAsync("test_nope", cancellationToken: Ct));

        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
        Assert.Equal(AuditOutcome.Invalid, Outcome(Assert.Single(host.AuditEvents())));
    }

    private static string TokenFrom(CallToolResult preview)
    {
        string text = Text(preview);
        const string marker = "\"confirmation_token\": \"";
        int start = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, text);
        start += marker.Length;
        return text[start..text.IndexOf('"', start)];
    }

    private static Dictionary<string, object?> With(Dictionary<string, object?> args, string token) =>
        new(args) { [ToolRegistry.ConfirmationTokenParameter] = token };
}
