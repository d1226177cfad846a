using McpServers.Crm.Backend;
using McpServers.Crm.Tests.Fakes;
using McpServers.Shared.Audit;
using McpServers.Shared.Errors;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.Salesforce;

/// <summary>The provider as the server registers it: settings for --help, audit facts, no secret in the logs.</summary>
public sealed class SalesforceRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Help_ListsTheProvidersSettingsOnce_WithTheAccessTokenSecret()
    {
        string[] keys = [.. CrmServer.Identity.Settings.Select(s => s.Key)];

        Assert.Equal(keys.Length, keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("Salesforce:ApiVersion", keys);
        Assert.Contains("Salesforce:OpportunityWriteFields", keys);
        Assert.True(CrmServer.Identity.Settings.Single(s => s.Key == "Salesforce:AccessToken").Secret);
        Assert.Contains(CrmServer.Identity.EnvironmentAliases, a => a.Variable == "SALESFORCE_ACCESS_TOKEN");
    }

    [Fact]
    public async Task Gateway_TellsTheAuditContextTheOrgHostAndTheUser()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using InMemoryMcpServer host = SalesforceGatewayFactory.Server(fake);
        ICrmGateway gateway = host.Services.GetRequiredService<ICrmGateway>();

        await gateway.SearchAccountsAsync(new AccountFilter { Owner = "me" }, new PageRequest(5, null), Ct);

        AuditContext audit = host.Services.GetRequiredService<AuditContext>();
        Assert.Equal("127.0.0.1", audit.Downstream);
        Assert.Equal($"Jane Rep ({FakeSalesforce.MyUserId})", audit.BackendIdentity);
        Assert.Equal("Salesforce", gateway.Provider);
    }

    [Fact]
    public async Task RefusedSession_NeitherTheLogNorTheMessageHoldsTheToken()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.RejectSession = true;
        await using InMemoryMcpServer host = SalesforceGatewayFactory.Server(fake);
        ICrmGateway gateway = host.Services.GetRequiredService<ICrmGateway>();

        BackendException e = await Assert.ThrowsAsync<BackendException>(() => gateway.SearchAccountsAsync(new AccountFilter(), new PageRequest(5, null), Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, e.Kind);
        Assert.DoesNotContain(FakeSalesforce.AccessToken, e.SafeMessage, StringComparison.Ordinal);
        Assert.Contains("INVALID_SESSION_ID", host.DiagnosticLog, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSalesforce.AccessToken, host.DiagnosticLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingProvider_IsAConfigurationErrorNamingTheSetting()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake, new Dictionary<string, string?> { ["Crm:Provider"] = null });

        McpServers.Shared.Hosting.ConfigurationException e = Assert.Throws<McpServers.Shared.Hosting.ConfigurationException>(
            () => services.GetRequiredService<Crm.Options.CrmOptions>());

        Assert.Contains("Crm:Provider", e.Message, StringComparison.Ordinal);
    }
}
