using McpServers.Crm.Backend.Salesforce;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.SalesforceSignIn;

/// <summary>Exactly one way to authenticate, with what it needs; the start-up message names the environment variable and the key.</summary>
public sealed class SalesforceAuthSettingsTests
{
    private const string Token = "CANARY-00Dxx!token";

    private static string Problems(Dictionary<string, string?> settings)
    {
        using ServiceProvider services = SalesforceAuthServices.Build(settings);
        return Assert.Throws<ConfigurationException>(() => services.GetRequiredService<SalesforceAuthOptions>()).Message;
    }

    [Fact]
    public void NoWayToAuthenticate_NamesAllThree()
    {
        string message = Problems([]);

        Assert.Contains("Salesforce needs one way to authenticate", message, StringComparison.Ordinal);
        Assert.Contains("Salesforce:OAuth:ClientId (users sign in with `mcp-crm login`)", message, StringComparison.Ordinal);
        Assert.Contains("Salesforce:ClientCredentials:ClientId and Salesforce:ClientCredentials:ClientSecret with SALESFORCE_INSTANCE_URL (Salesforce:InstanceUrl)", message, StringComparison.Ordinal);
        Assert.Contains("SALESFORCE_ACCESS_TOKEN (Salesforce:AccessToken) with SALESFORCE_INSTANCE_URL (Salesforce:InstanceUrl)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoWaysAtOnce_AreRefused_NamingBoth_NeverTheToken()
    {
        string message = Problems(new()
        {
            ["Salesforce:InstanceUrl"] = "https://acme.my.salesforce.com",
            ["Salesforce:OAuth:ClientId"] = "3MVG9-app",
            ["Salesforce:AccessToken"] = Token,
        });

        Assert.Contains("Set only one way to authenticate to Salesforce; now Salesforce:OAuth:ClientId and SALESFORCE_ACCESS_TOKEN (Salesforce:AccessToken) are all set.", message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, message, StringComparison.Ordinal);
    }

    [Fact]
    public void AccessToken_WithoutTheInstance_NamesTheInstanceSetting() =>
        Assert.Contains("SALESFORCE_INSTANCE_URL (Salesforce:InstanceUrl) is required with SALESFORCE_ACCESS_TOKEN (Salesforce:AccessToken)",
            Problems(new() { ["Salesforce:AccessToken"] = Token }), StringComparison.Ordinal);

    [Fact]
    public void ClientCredentials_WithoutSecretOrInstance_NameBoth()
    {
        string message = Problems(new() { ["Salesforce:ClientCredentials:ClientId"] = "3MVG9-app" });

        Assert.Contains("Salesforce:ClientCredentials:ClientSecret is required with Salesforce:ClientCredentials:ClientId", message, StringComparison.Ordinal);
        Assert.Contains("SALESFORCE_INSTANCE_URL (Salesforce:InstanceUrl) is required with Salesforce:ClientCredentials:ClientId", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Salesforce:InstanceUrl", "http://acme.my.salesforce.com", "SALESFORCE_INSTANCE_URL (Salesforce:InstanceUrl) must be an https address")]
    [InlineData("Salesforce:InstanceUrl", "https://acme.my.salesforce.com/services/data/v62.0", "SALESFORCE_INSTANCE_URL (Salesforce:InstanceUrl) must be an https address without a path")]
    [InlineData("Salesforce:LoginUrl", "login.salesforce.com", "SALESFORCE_LOGIN_URL (Salesforce:LoginUrl) must be an https address")]
    [InlineData("Salesforce:OAuth:TokenEndpoint", "http://login.example/token", "Salesforce:OAuth:TokenEndpoint must be an https URL")]
    public void MalformedAddresses_AreRefusedNamingTheSetting(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Salesforce:OAuth:ClientId"] = "3MVG9-app", [key] = value };

        Assert.Contains(expected, Problems(settings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "https://login.salesforce.com/")]
    [InlineData("https://test.salesforce.com", "https://test.salesforce.com/")]
    [InlineData("https://acme.my.salesforce.com/", "https://acme.my.salesforce.com/")]
    public void SignIn_WithOnlyTheClientId_UsesTheLoginHostsEndpoints_AndSalesforceScopes(string? loginUrl, string login)
    {
        using ServiceProvider services = SalesforceAuthServices.Build(new()
        {
            ["Salesforce:OAuth:ClientId"] = "3MVG9-app",
            ["Salesforce:LoginUrl"] = loginUrl,
        });

        Assert.Equal(SalesforceAuthMode.SignIn, services.GetRequiredService<SalesforceAuthOptions>().Mode());
        OAuthClientOptions options = services.GetRequiredService<UserSignIn>().Options;
        Assert.Equal(login + "services/oauth2/authorize", options.AuthorizationEndpoint);
        Assert.Equal(login + "services/oauth2/token", options.TokenEndpoint);
        Assert.Equal(login + "services/oauth2/revoke", options.RevocationEndpoint);
        Assert.Equal("api refresh_token", options.Scopes);
        Assert.EndsWith(Path.Combine("mcp-crm", "salesforce-refresh-token"), services.GetRequiredService<UserSignIn>().Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithoutAStoredSignIn_AsksForLogin()
    {
        using ServiceProvider services = SalesforceAuthServices.Build(new()
        {
            ["Salesforce:OAuth:ClientId"] = "3MVG9-app",
            ["Salesforce:OAuth:TokenFile"] = Path.Combine(Path.GetTempPath(), "mcp-crm-no-sign-in-" + Guid.NewGuid().ToString("N")),
        });

        var e = await Assert.ThrowsAsync<McpServers.Shared.Errors.BackendException>(
            () => services.GetRequiredService<ISalesforceInstance>().GetAsync(TestContext.Current.CancellationToken).AsTask());

        Assert.Contains("run `mcp-crm login`", e.SafeMessage, StringComparison.Ordinal);
    }
}
