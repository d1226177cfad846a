using System.Text.Json.Nodes;
using McpServers.Crm.Tests.Fakes;
using McpServers.Testing.TypeScriptClient;

namespace McpServers.Crm.Tests.Server;

/// <summary>
/// mcp-crm in front of the loopback fake Salesforce org, configured through the vendor environment names, driven by the
/// official TypeScript SDK client: a ranking, an account, and an activity logged through the confirmation token.
/// </summary>
public sealed class CrmTypeScriptSdkStdioTests : TypeScriptClientStdioTests
{
    protected override async Task<TypeScriptClientScenario> StartScenarioAsync(CancellationToken cancellationToken)
    {
        FakeSalesforce salesforce = await FakeSalesforce.StartAsync(cancellationToken);
        return new TypeScriptClientScenario
        {
            CommandName = "mcp-crm",
            Environment = new Dictionary<string, string?>
            {
                ["CRM_PROVIDER"] = "Salesforce",
                ["SALESFORCE_INSTANCE_URL"] = salesforce.BaseUrl.ToString(),
                ["SALESFORCE_ACCESS_TOKEN"] = FakeSalesforce.AccessToken,
            },
            Reads =
            [
                new("crm_top_accounts", new JsonObject { ["period"] = "2026-Q4" }),
                new("crm_get_account", new JsonObject { ["account_id"] = FakeSalesforce.AcmeId }),
            ],
            Write = new("crm_log_activity", new JsonObject { ["kind"] = "call", ["record_id"] = FakeSalesforce.AcmeId, ["subject"] = "Renewal call" }),
            BackendWrites = () => salesforce.Writes.Count,
            Invalid = new("crm_get_account", new JsonObject { ["account_id"] = "acme; DROP" }),
            InvalidMessage = "account_id",
            Backend = salesforce,
        };
    }
}
