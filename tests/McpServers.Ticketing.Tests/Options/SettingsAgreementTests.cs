using McpServers.Testing.Options;

namespace McpServers.Ticketing.Tests.Options;

public sealed class SettingsAgreementTests
{
    [Fact]
    public void Help_ServerJson_AndOptions_DescribeTheSameSettings()
    {
        IReadOnlyList<string> problems = new SettingsAgreement(TicketingServer.Identity, (services, configuration) => services.AddTicketingServer(configuration))
            .Undocumented("Jira:Http:", "the shared HTTP client's settings, listed once in the README (Backends are untrusted); --help names Jira:Http:Proxy")
            .Problems("servers/McpServers.Ticketing/.mcp/server.json", "servers/McpServers.Ticketing/README.md");

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
