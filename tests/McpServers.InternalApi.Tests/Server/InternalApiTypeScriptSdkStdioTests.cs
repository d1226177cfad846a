using System.Text.Json.Nodes;
using McpServers.InternalApi.Tests.Service;
using McpServers.Testing.TypeScriptClient;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>
/// mcp-internal-api in front of the sample inventory service (document fetched by URL, bearer token from the
/// environment), driven by the official TypeScript SDK client; creating an item is made to need confirmation.
/// </summary>
public sealed class InternalApiTypeScriptSdkStdioTests : TypeScriptClientStdioTests
{
    protected override async Task<TypeScriptClientScenario> StartScenarioAsync(CancellationToken cancellationToken)
    {
        InventoryService service = await InventoryService.StartAsync();
        return new TypeScriptClientScenario
        {
            CommandName = "mcp-internal-api",
            Arguments =
            [
                "--openapi", service.DocumentUrl, "--base-url", service.ApiBase, "--include", InternalApiServerUnderTest.Include,
                "--set", "Confirmation:Require=api_create_item",
            ],
            Environment = new Dictionary<string, string?>
            {
                ["MCP_INTERNAL_API__Auth__Mode"] = "Bearer",
                ["INTERNAL_API_TOKEN"] = InventoryService.BearerToken,
            },
            Reads =
            [
                new("api_list_items", new JsonObject { ["limit"] = 1 }),
                new("api_get_item", new JsonObject { ["itemId"] = "w-1" }),
            ],
            Write = new("api_create_item", new JsonObject { ["body"] = new JsonObject { ["name"] = "Bolt", ["kind"] = "part", ["quantity"] = 10 } }),
            BackendWrites = () => service.Calls.Count(r => r.Method == "POST"),
            Invalid = new("api_create_item", new JsonObject { ["body"] = new JsonObject { ["name"] = "Bolt", ["kind"] = "gadget" } }),
            InvalidMessage = "kind",
            Backend = service,
        };
    }
}
