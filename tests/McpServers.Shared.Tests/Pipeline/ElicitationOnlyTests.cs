using System.Text.Json;
using McpServers.Shared.Pipeline;
using McpServers.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Shared.Tests.Pipeline;

/// <summary>
/// Tools marked <c>[RequiresConfirmation(ElicitationOnly = true, Mandatory = true)]</c> (test_send_note, offered when
/// <c>SendNotes</c> is true): only the user's answer in the client confirms them, unless an administrator allows the
/// token path (<c>Confirmation:AllowToken</c>), and their confirmation cannot be turned off.
/// </summary>
public sealed class ElicitationOnlyTests
{
    private const string Tool = "test_send_note";

    private static readonly Dictionary<string, string?> Sending = new() { ["Policy:ReadOnly"] = "false", ["SendNotes"] = "true" };

    private static readonly Dictionary<string, object?> Args = new() { ["to"] = "dana", ["body"] = "hello" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static string Outcome(JsonElement e) => e.GetProperty("outcome").GetString()!;

    private static Dictionary<string, string?> With(string key, string value) => new(Sending) { [key] = value };

    private static McpClientOptions Eliciting(bool accept) => new()
    {
        ProtocolVersion = "2025-11-25",
        Handlers = new McpClientHandlers
        {
            ElicitationHandler = (_, _) => ValueTask.FromResult(accept
                ? new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) } }
                : new ElicitResult { Action = "decline" }),
        },
    };

    private static async Task<string> InputSchemaAsync(McpClient client) =>
        (await client.ListToolsAsync(cancellationToken: Ct)).Single(t => t.Name == Tool).ProtocolTool.InputSchema.GetRawText();

    [Fact]
    public async Task ClientWithoutElicitation_IsRefused_NamingConfirmationAllowToken()
    {
        await using var host = TestServerUnderTest.Start(Sending);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult refused = await client.CallToolAsync(Tool, Args, cancellationToken: Ct);

        Assert.True(refused.IsError);
        Assert.Contains("cannot ask the user", Text(refused), StringComparison.Ordinal);
        Assert.Contains("Confirmation:AllowToken", Text(refused), StringComparison.Ordinal);
        Assert.DoesNotContain("Confirmation:RequireElicitation", Text(refused), StringComparison.Ordinal);
        Assert.DoesNotContain(ToolRegistry.ConfirmationTokenParameter, Text(refused), StringComparison.Ordinal);
        Assert.DoesNotContain(ToolRegistry.ConfirmationTokenParameter, await InputSchemaAsync(client), StringComparison.Ordinal);
        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(AuditOutcome.Denied, Outcome(Assert.Single(host.AuditEvents())));
    }

    [Fact]
    public async Task TokenPath_IsClosed_EvenForATokenTheModelMadeUp()
    {
        await using var host = TestServerUnderTest.Start(Sending);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await client.CallToolAsync(Tool,
            new Dictionary<string, object?>(Args) { [ToolRegistry.ConfirmationTokenParameter] = "forged" }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);
    }

    [Theory]
    [InlineData(true, "Sent a note to dana (5 characters).", AuditOutcome.Ok, 1)]
    [InlineData(false, "did not confirm", AuditOutcome.Unconfirmed, 0)]
    public async Task ClientWithElicitation_TheUsersAnswerDecides(bool accept, string expected, string outcome, int calls)
    {
        await using var host = TestServerUnderTest.Start(Sending);
        await using McpClient client = await host.ConnectAsync(Eliciting(accept), Ct);

        CallToolResult result = await client.CallToolAsync(Tool, Args, cancellationToken: Ct);

        Assert.Contains(expected, Text(result), StringComparison.Ordinal);
        Assert.Equal(calls, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(outcome, Outcome(Assert.Single(host.AuditEvents())));
    }

    [Fact]
    public async Task AllowToken_ReopensThePreviewTokenPath()
    {
        await using var host = TestServerUnderTest.Start(With("Confirmation:AllowToken", Tool));
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        Assert.Contains(ToolRegistry.ConfirmationTokenParameter, await InputSchemaAsync(client), StringComparison.Ordinal);
        CallToolResult preview = await client.CallToolAsync(Tool, Args, cancellationToken: Ct);
        Assert.True(preview.IsError);
        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);

        string text = Text(preview);
        // The setting names tools, not a secret: its value is not masked in what the server writes.
        Assert.Contains($"'{Tool}' needs the user's confirmation", text, StringComparison.Ordinal);
        const string Marker = "\"confirmation_token\": \"";
        int start = text.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
        Assert.True(start >= Marker.Length, text);
        string token = text[start..text.IndexOf('"', start)];
        CallToolResult sent = await client.CallToolAsync(Tool,
            new Dictionary<string, object?>(Args) { [ToolRegistry.ConfirmationTokenParameter] = token }, cancellationToken: Ct);

        Assert.Equal("Sent a note to dana (5 characters).", Text(sent));
        Assert.Equal(1, host.Services.GetRequiredService<CallRecorder>().Calls);
    }

    [Fact]
    public void Mandatory_DisablingItsConfirmation_StopsTheServerFromStarting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => TestServerUnderTest.Start(With("Confirmation:Disable", Tool)));

        Assert.Contains(Tool, error.Message, StringComparison.Ordinal);
        Assert.Contains("Confirmation:Disable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowToken_AndRequireElicitationForOneTool_StopsTheServerFromStarting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => TestServerUnderTest.Start(new Dictionary<string, string?>(Sending)
        {
            ["Confirmation:AllowToken"] = Tool,
            ["Confirmation:RequireElicitation"] = Tool,
        }));

        Assert.Contains("Confirmation:AllowToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddWhen_ConditionFalse_TheToolIsNeitherListedNorCallable()
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?> { ["Policy:ReadOnly"] = "false" });
        await using McpClient client = await host.ConnectAsync(Eliciting(accept: true), Ct);

        Assert.DoesNotContain((await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name), n => n == Tool);
        Assert.Contains("test_write_note", (await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name));
        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await client.CallToolAsync(Tool, Args, cancellationToken: Ct));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);

        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);
    }

    [Fact]
    public async Task AddWhen_ConditionTrue_TheToolIsListed()
    {
        await using var host = TestServerUnderTest.Start(Sending);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        Assert.Contains(Tool, (await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name));
    }
}
