using System.Text.Json.Nodes;
using McpServers.Testing.TypeScriptClient;
using McpServers.Ticketing.Tests.Fake;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// mcp-ticketing with the ServiceNow provider in front of the fake instance, configured through the vendor environment
/// names, driven by the official TypeScript SDK client: a search, a read, and an incident created through the confirmation token.
/// </summary>
public sealed class ServiceNowTypeScriptSdkStdioTests : TypeScriptClientStdioTests
{
    protected override async Task<TypeScriptClientScenario> StartScenarioAsync(CancellationToken cancellationToken)
    {
        FakeServiceNow snow = await FakeServiceNow.StartAsync(cancellationToken);
        return new TypeScriptClientScenario
        {
            CommandName = "mcp-ticketing",
            Environment = new Dictionary<string, string?>
            {
                ["TICKETING_PROVIDER"] = "ServiceNow",
                ["SERVICENOW_INSTANCE_URL"] = snow.BaseUrl.ToString(),
                ["SERVICENOW_USERNAME"] = FakeServiceNow.UserName,
                ["SERVICENOW_PASSWORD"] = FakeServiceNow.Password,
            },
            Reads =
            [
                new("snow_search_records", new JsonObject { ["table"] = "incident", ["text"] = "VPN" }),
                new("snow_get_record", new JsonObject { ["table"] = "incident", ["id"] = "INC0010001" }),
            ],
            Write = new("snow_create_record", new JsonObject { ["table"] = "incident", ["fields"] = new JsonObject { ["short_description"] = "Projector broken" } }),
            BackendWrites = () => snow.Requests.Count(r => r.Method == "POST"),
            Invalid = new("snow_get_record", new JsonObject { ["table"] = "incident", ["id"] = 7 }),
            InvalidMessage = "id",
            Backend = snow,
        };
    }
}
