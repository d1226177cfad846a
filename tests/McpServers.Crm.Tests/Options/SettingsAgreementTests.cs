using McpServers.Crm.Backend.HubSpot;
using McpServers.Crm.Backend.Salesforce;
using McpServers.Testing.Options;

namespace McpServers.Crm.Tests.Options;

public sealed class SettingsAgreementTests
{
    [Fact]
    public void Help_ServerJson_Readme_AndOptions_DescribeTheSameSettings()
    {
        // Both providers registered, so every provider setting --help lists is bound by some options type.
        IReadOnlyList<string> problems = new SettingsAgreement(CrmServer.Identity, (services, configuration) =>
            {
                services.AddSalesforce(configuration);
                services.AddHubSpot(configuration);
                services.AddCrmServer(configuration);
            })
            .Undocumented("Salesforce:Http:", "the shared HTTP client's settings, listed once in the suite README; --help names Salesforce:Http:Proxy")
            .Undocumented("HubSpot:Http:", "the shared HTTP client's settings, listed once in the suite README; --help names HubSpot:Http:Proxy")
            .Problems("servers/McpServers.Crm/.mcp/server.json", "servers/McpServers.Crm/README.md");

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
