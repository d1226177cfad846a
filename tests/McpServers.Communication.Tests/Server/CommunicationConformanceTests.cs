using McpServers.Communication.Tests.Slack;
using McpServers.Testing.Conformance;

namespace McpServers.Communication.Tests.Server;

/// <summary>The conformance base over every backend; the property run reads and posts through a <see cref="FakeSlack"/>.</summary>
public sealed class CommunicationConformanceTests : ServerConformanceTests<CommunicationServerUnderTest>
{
    protected override CommunicationServerUnderTest Server { get; } = new();

    protected override async Task<PropertyRunBackend> StartPropertyRunBackendAsync()
    {
        FakeSlack slack = await FakeSlack.StartAsync(Ct);
        return new PropertyRunBackend(CommunicationServerUnderTest.SettingsFor(slack.BaseUrl), slack);
    }
}
