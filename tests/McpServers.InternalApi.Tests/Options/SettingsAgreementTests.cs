using McpServers.Testing.Options;

namespace McpServers.InternalApi.Tests.Options;

public sealed class SettingsAgreementTests
{
    [Fact]
    public void Help_ServerJson_AndOptions_DescribeTheSameSettings()
    {
        IReadOnlyList<string> problems = new SettingsAgreement(InternalApiServer.Identity, (services, configuration) => services.AddInternalApiServer(configuration))
            .Undocumented("Http:", "the shared HTTP client's settings, listed once in the README (Backends are untrusted); --help names Http:Timeout and Http:MaxRetries")
            .Problems("servers/McpServers.InternalApi/.mcp/server.json", "servers/McpServers.InternalApi/README.md");

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
