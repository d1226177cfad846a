using McpServers.Testing.Options;
using Microsoft.Extensions.Configuration;

namespace McpServers.Ticketing.Tests.Options;

public sealed class SettingsAgreementTests
{
    /// <summary>Each provider registers its own options when chosen (and only declares the others' sections): both ways must agree.</summary>
    [Theory]
    [InlineData("Jira")]
    [InlineData("ServiceNow")]
    [InlineData("Zendesk")]
    public void Help_ServerJson_AndOptions_DescribeTheSameSettings(string provider)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Ticketing:Provider"] = provider })
            .Build();
        IReadOnlyList<string> problems = new SettingsAgreement(TicketingServer.Identity, (services, _) => services.AddTicketingServer(configuration))
            .Undocumented("Jira:Http:", "the shared HTTP client's settings, listed once in the README (Backends are untrusted); --help names Jira:Http:Proxy")
            .Undocumented("ServiceNow:Http:", "the shared HTTP client's settings, one README row; --help names ServiceNow:Http:Proxy")
            .Undocumented("ServiceNow:OAuth:", "the shared sign-in's settings, one README row; --help names the client id, secret and token file, the endpoints default to the instance's own")
            .Undocumented("Zendesk:Http:", "the shared HTTP client's settings, listed once in the README; --help names Zendesk:Http:Proxy")
            .Problems("servers/McpServers.Ticketing/.mcp/server.json", "servers/McpServers.Ticketing/README.md");

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
