using System.Text.Json.Nodes;
using McpServers.Testing.TypeScriptClient;
using McpServers.Ticketing.Tests.Fake;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// mcp-ticketing in front of the loopback fake Jira Cloud, configured through the vendor environment names, driven
/// by the official TypeScript SDK client: searches, reads, and an issue created through the confirmation token.
/// </summary>
public sealed class TicketingTypeScriptSdkStdioTests : TypeScriptClientStdioTests
{
    protected override async Task<TypeScriptClientScenario> StartScenarioAsync(CancellationToken cancellationToken)
    {
        FakeJira jira = await FakeJira.StartAsync(cloud: true, cancellationToken);
        return new TypeScriptClientScenario
        {
            CommandName = "mcp-ticketing",
            Environment = new Dictionary<string, string?>
            {
                ["JIRA_URL"] = jira.BaseAddress.ToString(),
                ["JIRA_PROJECTS"] = "OPS",
                ["JIRA_EMAIL"] = "jane@example.com",
                ["JIRA_API_TOKEN"] = TicketingToolTests.Token,
            },
            Reads =
            [
                new("jira_search_issues", new JsonObject { ["text"] = "checkout" }),
                new("jira_get_issue", new JsonObject { ["issue_key"] = "OPS-1" }),
            ],
            Write = new("jira_create_issue", new JsonObject { ["project"] = "OPS", ["issue_type"] = "Bug", ["summary"] = "Checkout button missing" }),
            BackendWrites = () => jira.Requests.Count(r => r.Method == "POST" && r.Path == "/rest/api/3/issue"),
            Invalid = new("jira_get_issue", new JsonObject { ["issue_key"] = "ops one" }),
            InvalidMessage = "issue_key",
            Backend = jira,
        };
    }
}
