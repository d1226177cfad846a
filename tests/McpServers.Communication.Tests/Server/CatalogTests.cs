namespace McpServers.Communication.Tests.Server;

public sealed class CatalogTests
{
    [Fact]
    public void Identity_NamesTheCommandAndItsEnvironmentPrefix()
    {
        Assert.Equal("mcp-communication", CommunicationServer.Identity.Name);
        Assert.Equal("MCP_COMMUNICATION__", CommunicationServer.Identity.EnvironmentPrefix);
    }
}
