using McpServers.Crm.Backend.Salesforce;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.SalesforceSignIn;

/// <summary>The two ways without a user sign-in: a connected app's integration user (client credentials) and an access token from the environment.</summary>
public sealed class SalesforceServiceAuthTests : IAsyncLifetime
{
    private readonly List<ServiceProvider> _providers = [];
    private SalesforceOrgFake _org = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _org = await SalesforceOrgFake.StartAsync(Ct);
        _org.TokenPrefix = "CANARY-";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceProvider provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _org.DisposeAsync();
    }

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        ServiceProvider provider = SalesforceAuthServices.Build(settings);
        _providers.Add(provider);
        return provider;
    }

    private ServiceProvider IntegrationUser() => Services(new()
    {
        ["Salesforce:InstanceUrl"] = _org.InstanceUrl,
        ["Salesforce:ClientCredentials:ClientId"] = SalesforceOrgFake.ClientId,
        ["Salesforce:ClientCredentials:ClientSecret"] = _org.ClientSecret,
    });

    [Fact]
    public async Task ClientCredentials_GetATokenAtTheOrgsOwnAddress_AndCallTheApiAsTheIntegrationUser()
    {
        ServiceProvider services = IntegrationUser();

        string body = await SalesforceAuthServices.CallApiAsync(services, Ct);

        Assert.Contains("DailyApiRequests", body, StringComparison.Ordinal);
        string tokenRequest = _org.Requests.Single(r => r.Path == "/services/oauth2/token").Body;
        Assert.Contains("grant_type=client_credentials", tokenRequest, StringComparison.Ordinal);
        Assert.Contains($"client_id={SalesforceOrgFake.ClientId}", tokenRequest, StringComparison.Ordinal);
        Assert.Equal(["Bearer CANARY-00Dcc!session-1"], _org.RestRequests.Select(r => r.Header("Authorization")));
        Assert.True(services.GetRequiredService<SecretRedactor>().Contains("CANARY-00Dcc!session-1"));
        Assert.True(services.GetRequiredService<SecretRedactor>().Contains(_org.ClientSecret));
    }

    [Fact]
    public async Task ClientCredentials_EndedSession_IsRenewedOnce_ThenARefusalNamesTheAppSettings()
    {
        ServiceProvider services = IntegrationUser();
        await SalesforceAuthServices.CallApiAsync(services, Ct);
        _org.EndSession("CANARY-00Dcc!session-1");

        await SalesforceAuthServices.CallApiAsync(services, Ct);
        _org.EndAllSessions();
        var e = await Assert.ThrowsAsync<BackendException>(() => SalesforceAuthServices.CallApiAsync(services, Ct));

        Assert.Equal(
            ["Bearer CANARY-00Dcc!session-1", "Bearer CANARY-00Dcc!session-1", "Bearer CANARY-00Dcc!session-2", "Bearer CANARY-00Dcc!session-2", "Bearer CANARY-00Dcc!session-3"],
            _org.RestRequests.Select(r => r.Header("Authorization")));
        Assert.Contains("Salesforce:ClientCredentials:ClientId", e.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", e.SafeMessage + e, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCredentials_AWrongSecret_NamesTheSettings_NeverTheSecret()
    {
        _org.ClientSecret = "CANARY-the-right-secret";
        ServiceProvider services = Services(new()
        {
            ["Salesforce:InstanceUrl"] = _org.InstanceUrl,
            ["Salesforce:ClientCredentials:ClientId"] = SalesforceOrgFake.ClientId,
            ["Salesforce:ClientCredentials:ClientSecret"] = "CANARY-a-wrong-secret",
        });

        var e = await Assert.ThrowsAsync<BackendException>(() => SalesforceAuthServices.CallApiAsync(services, Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, e.Kind);
        Assert.Contains("Salesforce:ClientCredentials:ClientId and Salesforce:ClientCredentials:ClientSecret", e.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", e.SafeMessage + e, StringComparison.Ordinal);
        Assert.Empty(_org.RestRequests);
    }

    [Fact]
    public async Task AccessTokenFromTheEnvironment_IsSentToTheConfiguredOrg_AndARefusalNamesTheSetting_WithoutARetry()
    {
        const string Token = "CANARY-00Dxx!env-session";
        _org.Accept(Token);
        ServiceProvider services = Services(new()
        {
            ["Salesforce:InstanceUrl"] = _org.InstanceUrl,
            ["Salesforce:AccessToken"] = Token,
        });

        await SalesforceAuthServices.CallApiAsync(services, Ct);
        _org.EndSession(Token);
        var e = await Assert.ThrowsAsync<BackendException>(() => SalesforceAuthServices.CallApiAsync(services, Ct));

        Assert.Equal(["Bearer " + Token, "Bearer " + Token], _org.RestRequests.Select(r => r.Header("Authorization")));
        Assert.Contains("SALESFORCE_ACCESS_TOKEN (Salesforce:AccessToken)", e.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, e.SafeMessage + e, StringComparison.Ordinal);
        Assert.True(services.GetRequiredService<SecretRedactor>().Contains(Token));
    }
}
