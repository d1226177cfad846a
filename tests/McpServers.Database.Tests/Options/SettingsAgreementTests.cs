using McpServers.Testing.Options;

namespace McpServers.Database.Tests.Options;

public sealed class SettingsAgreementTests
{
    [Fact]
    public void Help_ServerJson_AndOptions_DescribeTheSameSettings()
    {
        IReadOnlyList<string> problems = new SettingsAgreement(DatabaseServer.Identity, (services, configuration) => services.AddDatabaseServer(configuration))
            .Problems("servers/McpServers.Database/.mcp/server.json", "servers/McpServers.Database/README.md");

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
