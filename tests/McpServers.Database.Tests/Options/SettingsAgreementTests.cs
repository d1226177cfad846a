using McpServers.Testing.Options;

namespace McpServers.Database.Tests.Options;

public sealed class SettingsAgreementTests
{
    [Fact]
    public void Help_ServerJson_AndOptions_DescribeTheSameSettings()
    {
        IReadOnlyList<string> problems = new SettingsAgreement(DatabaseServer.Identity, (services, configuration) => services.AddDatabaseServer(configuration))
            .Problems("servers/McpServers.Database/.mcp/server.json");

        Assert.Empty(problems);
    }
}
