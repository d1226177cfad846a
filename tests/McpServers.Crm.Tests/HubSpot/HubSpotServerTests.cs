using McpServers.Crm.Backend;
using McpServers.Crm.Tests.Fakes;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.HubSpot;

/// <summary>The HubSpot provider inside the server's own registration (AddCrmServer with Crm:Provider=HubSpot).</summary>
public sealed class HubSpotServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheServer_WithProviderHubSpot_ServesTheHubSpotGateway_OverTheFakesSettings()
    {
        await using FakeHubSpot fake = await FakeHubSpot.Start(Ct);
        await using var host = new InMemoryMcpServer((s, c) => s.AddCrmServer(c), fake.ServerSettings());
        await host.ConnectAsync(cancellationToken: Ct);

        ICrmGateway gateway = host.Services.GetRequiredService<ICrmGateway>();
        ObjectDescription contacts = await gateway.DescribeObjectAsync(CrmObjectKind.Contact, Ct);

        Assert.Equal("HubSpot", gateway.Provider);
        Assert.Contains(contacts.Fields, f => f.Name == "email" && f.Writable);
        Assert.All(fake.Requests, r => Assert.Equal("Bearer " + FakeHubSpot.Token, r.Header("Authorization")));
        Assert.DoesNotContain(FakeHubSpot.Token, host.DiagnosticLog, StringComparison.Ordinal);
    }
}
