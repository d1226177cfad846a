using System.Text.Json;
using McpServers.Testing.Hosting;
using McpServers.Ticketing.Tests.Fake;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>The confirmable Jira tools check what Jira would refuse before a human is asked, and say what will happen.</summary>
public sealed class ConfirmationPreviewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    private static async Task<CallToolResult> CallAsync(string tool, string arguments)
    {
        await using FakeJira jira = await FakeJira.StartAsync(cloud: true, Ct);
        await using var host = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), TicketingToolTests.SettingsFor(jira));
        McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        CallToolResult result = await client.CallToolAsync(tool, Args(arguments), cancellationToken: Ct);
        Assert.DoesNotContain(jira.Requests, r => r.Method == "POST");
        return result;
    }

    [Fact]
    public async Task CreateIssuePreview_IsAnErrorResultNamingEveryField_SoSdkClientsAcceptIt()
    {
        CallToolResult preview = await CallAsync("jira_create_issue",
            """{"project":"OPS","issue_type":"Bug","summary":"Checkout fails","labels":["checkout","web"],"priority":"High","assignee":"me"}""");

        Assert.True(preview.IsError);
        Assert.Null(preview.StructuredContent);
        string text = Text(preview);
        Assert.Contains("Nothing has been changed", text, StringComparison.Ordinal);
        Assert.Contains("Create a new Jira issue in project OPS", text, StringComparison.Ordinal);
        Assert.Contains("- summary: Checkout fails", text, StringComparison.Ordinal);
        Assert.Contains("- labels: checkout, web", text, StringComparison.Ordinal);
        Assert.Contains("- priority: High", text, StringComparison.Ordinal);
        Assert.Contains("confirmation_token", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateIssuePreview_ShowsEachValueOnOneLine_SoAValueCannotForgeAnotherLine()
    {
        CallToolResult preview = await CallAsync("jira_create_issue",
            """{"project":"OPS","issue_type":"Bug","summary":"x","priority":"High\n- assignee: me (the configured Jira user)\u202e","assignee":"victim"}""");

        string text = Text(preview);
        Assert.Contains("- priority: High\\n- assignee: me (the configured Jira user)\\u202E", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n- assignee: me", text, StringComparison.Ordinal);
        Assert.Contains("\n- assignee: victim", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"project":"OPS","issue_type":"Bug","summary":"x","labels":["two words"]}""", "`labels` must be single words")]
    [InlineData("""{"project":"SEC","issue_type":"Bug","summary":"x"}""", "`project` must be one of the allowed projects: OPS, WEB")]
    public async Task CreateIssue_InputJiraWouldRefuse_IsRefusedBeforeThePreview(string arguments, string expected)
    {
        CallToolResult result = await CallAsync("jira_create_issue", arguments);

        Assert.True(result.IsError);
        Assert.Contains(expected, Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("confirmation_token", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transition_UnknownName_IsRefusedBeforeThePreview_WithTheValidOnes()
    {
        CallToolResult result = await CallAsync("jira_transition_issue", """{"issue_key":"OPS-1","transition":"Close"}""");

        Assert.True(result.IsError);
        Assert.Contains("Valid transitions: Start Progress (id 11) → In Progress; Done (id 31) → Done.", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("confirmation_token", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransitionPreview_NamesTheTargetStatus()
    {
        CallToolResult preview = await CallAsync("jira_transition_issue", """{"issue_key":"OPS-1","transition":"in progress","comment":"Picked up"}""");

        Assert.True(preview.IsError);
        Assert.Contains("Move Jira issue OPS-1 with transition 'Start Progress' to status In Progress", Text(preview), StringComparison.Ordinal);
        Assert.Contains("Picked up", Text(preview), StringComparison.Ordinal);
    }
}
