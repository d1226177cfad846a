using System.Text.Json;
using McpServers.Shared.Pipeline;
using McpServers.TestServer;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Shared.Tests.Pipeline;

/// <summary>Calls are held at a gate the test opens: no timing, only counts and outcomes.</summary>
public sealed class ConcurrencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static string Outcome(JsonElement e) => e.GetProperty("outcome").GetString()!;

    private static readonly Dictionary<string, object?> NoArguments = [];

    [Fact]
    public async Task CallOverThePerToolCap_IsRefusedAsBusy_WhenTheQueueTimeoutIsZero()
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Concurrency:MaxCallsPerTool"] = "2",
            ["Concurrency:QueueTimeout"] = "00:00:00",
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        var gate = host.Services.GetRequiredService<TestGate>();

        Task<CallToolResult> first = client.CallToolAsync("test_gate", NoArguments, cancellationToken: Ct).AsTask();
        Task<CallToolResult> second = client.CallToolAsync("test_gate", NoArguments, cancellationToken: Ct).AsTask();
        await gate.EnteredAsync(2, Ct);
        CallToolResult third = await client.CallToolAsync("test_gate", NoArguments, cancellationToken: Ct);
        CallToolResult otherTool = await client.CallToolAsync("test_echo", new Dictionary<string, object?> { ["message"] = "hi" }, cancellationToken: Ct);
        gate.Open();

        Assert.True(third.IsError);
        Assert.StartsWith("busy: 2 calls of 'test_gate' are already running", Text(third), StringComparison.Ordinal);
        Assert.Contains("retry in 1 s", Text(third), StringComparison.Ordinal);
        Assert.Equal("hi", Text(otherTool));
        Assert.NotEqual(true, (await first).IsError);
        Assert.NotEqual(true, (await second).IsError);
        Assert.Equal(3, host.Services.GetRequiredService<CallRecorder>().Calls);
        IReadOnlyList<string> outcomes = [.. host.AuditEvents().Select(Outcome)];
        Assert.Equal(4, outcomes.Count);
        Assert.Equal(1, outcomes.Count(o => o == AuditOutcome.Busy));
        Assert.Equal(3, outcomes.Count(o => o == AuditOutcome.Ok));
    }

    [Fact]
    public async Task CallOverTheServerCap_IsRefusedAsBusy_WhateverTheTool()
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Concurrency:MaxCalls"] = "1",
            ["Concurrency:QueueTimeout"] = "00:00:00",
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        var gate = host.Services.GetRequiredService<TestGate>();

        Task<CallToolResult> held = client.CallToolAsync("test_gate", NoArguments, cancellationToken: Ct).AsTask();
        await gate.EnteredAsync(1, Ct);
        CallToolResult refused = await client.CallToolAsync("test_echo", new Dictionary<string, object?> { ["message"] = "hi" }, cancellationToken: Ct);
        gate.Open();
        await held;
        CallToolResult afterwards = await client.CallToolAsync("test_echo", new Dictionary<string, object?> { ["message"] = "hi" }, cancellationToken: Ct);

        Assert.True(refused.IsError);
        Assert.StartsWith("busy: 1 calls are already running", Text(refused), StringComparison.Ordinal);
        Assert.Equal("hi", Text(afterwards));
        Assert.Equal([AuditOutcome.Busy, AuditOutcome.Ok, AuditOutcome.Ok], host.AuditEvents().Select(Outcome));
    }

    [Fact]
    public async Task CallOverTheCap_WaitsInTheQueue_AndRunsWhenASlotFrees()
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Concurrency:MaxCallsPerTool"] = "1",
            ["Concurrency:QueueTimeout"] = "00:05:00",
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        var gate = host.Services.GetRequiredService<TestGate>();

        Task<CallToolResult> first = client.CallToolAsync("test_gate", NoArguments, cancellationToken: Ct).AsTask();
        await gate.EnteredAsync(1, Ct);
        Task<CallToolResult> queued = client.CallToolAsync("test_gate", NoArguments, cancellationToken: Ct).AsTask();
        // Opened only once the second call is provably waiting in the queue (not refused, not yet arrived).
        var filter = host.Services.GetRequiredService<ConcurrencyFilter>();
        while (filter.Queued == 0)
        {
            Ct.ThrowIfCancellationRequested();
            await Task.Yield();
        }

        Assert.Equal(1, host.Services.GetRequiredService<CallRecorder>().Calls);
        gate.Open();

        Assert.Equal("Passed the gate.", Text(await first));
        Assert.Equal("Passed the gate.", Text(await queued));
        Assert.Equal([AuditOutcome.Ok, AuditOutcome.Ok], host.AuditEvents().Select(Outcome));
    }

    [Fact]
    public async Task ConfirmedCallRefusedAsBusy_GetsAFreshToken_SoTheUserIsNotAskedAgain()
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Policy:ReadOnly"] = "false",
            ["Concurrency:MaxCalls"] = "1",
            ["Concurrency:QueueTimeout"] = "00:00:00",
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        var gate = host.Services.GetRequiredService<TestGate>();
        var note = new Dictionary<string, object?> { ["title"] = "Plan" };

        string first = Token(Text(await client.CallToolAsync("test_write_note", note, cancellationToken: Ct)));
        Task<CallToolResult> held = client.CallToolAsync("test_gate", NoArguments, cancellationToken: Ct).AsTask();
        await gate.EnteredAsync(1, Ct);
        CallToolResult busy = await client.CallToolAsync("test_write_note", new Dictionary<string, object?>(note) { ["confirmation_token"] = first }, cancellationToken: Ct);
        gate.Open();
        await held;
        string second = Token(Text(busy));
        CallToolResult done = await client.CallToolAsync("test_write_note", new Dictionary<string, object?>(note) { ["confirmation_token"] = second }, cancellationToken: Ct);

        Assert.StartsWith("busy:", Text(busy), StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Equal("Wrote note 'Plan' (0 characters).", Text(done));

        static string Token(string text) =>
            System.Text.RegularExpressions.Regex.Match(text, "\"confirmation_token\": \"([A-Za-z0-9_-]+)\"").Groups[1].Value is { Length: > 0 } token
                ? token
                : throw new Xunit.Sdk.XunitException("no confirmation_token in: " + text);
    }

    [Fact]
    public async Task Defaults_AreEightPerServerFourPerTool()
    {
        await using var host = TestServerUnderTest.Start();
        ConcurrencyOptions options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConcurrencyOptions>>().Value;

        Assert.Equal(8, options.MaxCalls);
        Assert.Equal(4, options.MaxCallsPerTool);
        Assert.InRange(options.QueueTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }
}
