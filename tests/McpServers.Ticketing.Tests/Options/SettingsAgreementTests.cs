using McpServers.Testing.Options;

namespace McpServers.Ticketing.Tests.Options;

public sealed class SettingsAgreementTests
{
    [Fact]
    public void Help_ServerJson_AndOptions_DescribeTheSameSettings()
    {
        IReadOnlyList<string> problems = new SettingsAgreement(TicketingServer.Identity, (services, configuration) => services.AddTicketingServer(configuration))
            .Undocumented("Jira:Http:", "the shared HTTP client's settings, listed once in the README (Backends are untrusted); --help names Jira:Http:Proxy")
            .Undocumented("ServiceNow:Http:", "the shared HTTP client's settings, one README row; --help names ServiceNow:Http:Proxy")
            .Undocumented("ServiceNow:OAuth:", "the shared sign-in's settings, one README row; --help names the client id, secret and token file, the endpoints default to the instance's own")
            .Problems("servers/McpServers.Ticketing/.mcp/server.json", "servers/McpServers.Ticketing/README.md");

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
