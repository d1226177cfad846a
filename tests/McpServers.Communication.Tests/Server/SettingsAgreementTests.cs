using McpServers.Testing.Options;
using Microsoft.Extensions.Configuration;

namespace McpServers.Communication.Tests.Server;

public sealed class SettingsAgreementTests
{
    /// <summary>Every backend configured, so that each registers its options (e-mail registers nothing unless configured).</summary>
    private static readonly IConfiguration AllBackends = new ConfigurationBuilder()
        .AddInMemoryCollection(CommunicationServerUnderTest.SettingsFor(new Uri("http://127.0.0.1:9/"))).Build();

    [Fact]
    public void Help_ServerJson_Readme_AndOptions_DescribeTheSameSettings()
    {
        IReadOnlyList<string> problems = new SettingsAgreement(CommunicationServer.Identity, (services, _) => services.AddCommunicationServer(AllBackends))
            .Undocumented("Slack:Http:", "the shared HTTP client's settings, one README row; --help names Slack:Http:Proxy")
            .Problems("servers/McpServers.Communication/.mcp/server.json", "servers/McpServers.Communication/README.md");

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
