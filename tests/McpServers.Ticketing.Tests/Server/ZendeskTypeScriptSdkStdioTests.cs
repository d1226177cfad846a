using System.Text.Json.Nodes;
using McpServers.Testing.TypeScriptClient;
using McpServers.Ticketing.Tests.Fake;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// mcp-ticketing with the Zendesk provider in front of the loopback fake, configured through the vendor environment
/// names, driven by the official TypeScript SDK client: a search, a ticket, and a ticket created through the confirmation token.
/// </summary>
public sealed class ZendeskTypeScriptSdkStdioTests : TypeScriptClientStdioTests
{
    protected override async Task<TypeScriptClientScenario> StartScenarioAsync(CancellationToken cancellationToken)
    {
        FakeZendesk zendesk = await FakeZendesk.StartAsync(cancellationToken);
        return new TypeScriptClientScenario
        {
            CommandName = "mcp-ticketing",
            Environment = ZendeskServerProcessTests.Environment(zendesk),
            Reads =
            [
                new("zendesk_search_tickets", new JsonObject { ["text"] = "checkout" }),
                new("zendesk_get_ticket", new JsonObject { ["ticket_id"] = 1 }),
            ],
            Write = new("zendesk_create_ticket", new JsonObject { ["subject"] = "Refund request", ["description"] = "Customer wants a refund." }),
            BackendWrites = () => zendesk.Requests.Count(r => r.Method == "POST" && r.Path == "/api/v2/tickets.json"),
            Invalid = new("zendesk_get_ticket", new JsonObject { ["ticket_id"] = "one" }),
            InvalidMessage = "ticket_id",
            Backend = zendesk,
        };
    }
}
