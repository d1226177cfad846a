using System.Text.Json;
using McpServers.Shared.Pipeline;
using McpServers.TestServer;
using McpServers.TestServer.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Shared.Tests.Pipeline;

public sealed class ConfirmationTests
{
    private static readonly Dictionary<string, string?> Writes = new() { ["Policy:ReadOnly"] = "false" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static string Outcome(JsonElement e) => e.GetProperty("outcome").GetString()!;

    private static McpClientOptions Eliciting(Func<string?, bool> answer) => new()
    {
        ProtocolVersion = "2025-11-25",
        Handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, _) => ValueTask.FromResult(answer(request?.Message)
                ? new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) } }
                : new ElicitResult { Action = "decline" }),
        },
    };

    [Fact]
    public async Task Preview_IsAnErrorResultWithoutStructuredContent_ThatSaysNothingWasDoneAndWhatToDo()
    {
        await using var host = TestServerUnderTest.Start(Writes);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult preview = await client.CallToolAsync("test_write_note",
            new Dictionary<string, object?> { ["title"] = "Q3 plan", ["body"] = "draft" }, cancellationToken: Ct);

        Assert.True(preview.IsError);
        Assert.Null(preview.StructuredContent);
        string text = Text(preview);
        Assert.Contains("Nothing has been changed", text, StringComparison.Ordinal);
        Assert.Contains("Write a note titled \"Q3 plan\" with 5 characters of text.", text, StringComparison.Ordinal);
        Assert.Contains("confirmation_token", text, StringComparison.Ordinal);
        Assert.DoesNotContain("{\"", text, StringComparison.Ordinal);
        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(AuditOutcome.Unconfirmed, Outcome(Assert.Single(host.AuditEvents())));
    }

    [Fact]
    public async Task DefaultPreview_ShowsEachValueOnOneLine_SoAValueCannotForgeAnotherLine()
    {
        // test_echo has no preview of its own: an administrator's Confirmation:Require gives it the default one.
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?>(Writes) { ["Confirmation:Require"] = "test_echo" });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult preview = await client.CallToolAsync("test_echo",
            new Dictionary<string, object?> { ["message"] = "hi\n- count: 1000\u202e" }, cancellationToken: Ct);

        string text = Text(preview);
        Assert.True(preview.IsError);
        Assert.Contains("- message: hi\\n- count: 1000\\u202E", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n- count: 1000", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreCheck_RefusesBeforeAnyPreview_SoNobodyApprovesACallThatWouldFail()
    {
        await using var host = TestServerUnderTest.Start(Writes);
        bool asked = false;
        await using McpClient eliciting = await host.ConnectAsync(Eliciting(_ => asked = true), Ct);

        CallToolResult result = await eliciting.CallToolAsync("test_write_note",
            new Dictionary<string, object?> { ["title"] = WriteNoteTool.RefusedTitle }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("is not allowed by the notes backend", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("confirmation_token", Text(result), StringComparison.Ordinal);
        Assert.False(asked);
        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(AuditOutcome.Invalid, Outcome(Assert.Single(host.AuditEvents())));
    }

    [Fact]
    public async Task Elicitation_ShowsTheToolsOwnPreview()
    {
        await using var host = TestServerUnderTest.Start(Writes);
        string? asked = null;
        await using McpClient client = await host.ConnectAsync(Eliciting(m => { asked = m; return true; }), Ct);

        CallToolResult result = await client.CallToolAsync("test_write_note", new Dictionary<string, object?> { ["title"] = "Budget" }, cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Contains("Write a note titled \"Budget\" with 0 characters of text.", asked, StringComparison.Ordinal);
        Assert.Equal(AuditOutcome.Ok, Outcome(Assert.Single(host.AuditEvents())));
    }

    [Fact]
    public async Task Elicitation_MasksAConfiguredSecretInTheQuestion()
    {
        await using var host = TestServerUnderTest.Start(Writes);
        string? asked = null;
        await using McpClient client = await host.ConnectAsync(Eliciting(m => { asked = m; return false; }), Ct);

        await client.CallToolAsync("test_write_note", new Dictionary<string, object?> { ["title"] = "key " + TestSecrets.ApiKey }, cancellationToken: Ct);

        Assert.Contains("key ***", asked, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSecrets.ApiKey, asked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolMaySayConfirmationIsNotNeededForTheseArguments()
    {
        await using var host = TestServerUnderTest.Start(Writes);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await client.CallToolAsync("test_write_note", new Dictionary<string, object?> { ["title"] = "x", ["draft"] = true }, cancellationToken: Ct);

        Assert.Equal("Wrote draft 'x' (0 characters).", Text(result));
        Assert.Equal(AuditOutcome.Ok, Outcome(Assert.Single(host.AuditEvents())));
    }

    [Fact]
    public async Task RequireElicitation_RefusesClientsThatCannotAskTheUser_AndIgnoresTokens()
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?>(Writes) { ["Confirmation:RequireElicitation"] = "test_write_note" });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        var args = new Dictionary<string, object?> { ["title"] = "x" };

        CallToolResult refused = await client.CallToolAsync("test_write_note", args, cancellationToken: Ct);
        string schema = (await client.ListToolsAsync(cancellationToken: Ct)).Single(t => t.Name == "test_write_note").ProtocolTool.InputSchema.GetRawText();

        Assert.True(refused.IsError);
        Assert.Contains("Confirmation:RequireElicitation", Text(refused), StringComparison.Ordinal);
        Assert.Contains("cannot ask the user", Text(refused), StringComparison.Ordinal);
        Assert.DoesNotContain(ToolRegistry.ConfirmationTokenParameter, schema, StringComparison.Ordinal);
        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(AuditOutcome.Denied, Outcome(Assert.Single(host.AuditEvents())));
    }

    [Fact]
    public async Task RequireElicitation_StillWorksWithAClientThatCanAsk()
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?>(Writes) { ["Confirmation:RequireElicitation"] = "test_write_note" });
        await using McpClient client = await host.ConnectAsync(Eliciting(_ => true), Ct);

        CallToolResult result = await client.CallToolAsync("test_write_note", new Dictionary<string, object?> { ["title"] = "x" }, cancellationToken: Ct);

        Assert.Equal("Wrote note 'x' (0 characters).", Text(result));
    }

    [Fact]
    public void RequireElicitation_ForAToolWhoseConfirmationIsDisabled_FailsAtStart()
    {
        var error = Assert.Throws<OptionsValidationException>(() => TestServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Confirmation:RequireElicitation"] = "test_write_note",
            ["Confirmation:Disable"] = "test_write_note",
        }));

        Assert.Contains("test_write_note", error.Message, StringComparison.Ordinal);
    }
}
