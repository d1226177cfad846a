using McpServers.Shared.Hosting;
using McpServers.Ticketing.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Tests.Options;

public sealed class ZendeskOptionsTests
{
    private static ZendeskOptions Read(IReadOnlyDictionary<string, string> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        using ServiceProvider services = new ServiceCollection().AddZendeskOptions(configuration).BuildServiceProvider();
        return services.GetRequiredService<ZendeskOptions>();
    }

    private static Dictionary<string, string> Valid() => new()
    {
        ["Zendesk:Subdomain"] = "Acme",
        ["Zendesk:Email"] = "jane@example.com",
        ["Zendesk:ApiToken"] = "secret-token-value",
    };

    [Fact]
    public void TokenSettings_AreRead_AndNeverPrinted()
    {
        ZendeskOptions o = Read(Valid());

        Assert.Equal("acme", o.Subdomain);
        Assert.Equal("API token", o.AuthDescription);
        Assert.Equal(25, o.DefaultMaxResults);
        Assert.Contains("https://acme.zendesk.com/", o.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-value", o.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void OAuth_NeedsOnlyAClientId_TheEndpointsAreTheAccountsOwn()
    {
        ZendeskOptions o = Read(new Dictionary<string, string> { ["Zendesk:Subdomain"] = "acme", ["Zendesk:OAuth:ClientId"] = "mcp" });

        Assert.Equal("OAuth sign-in", o.AuthDescription);
    }

    [Theory]
    [InlineData("Zendesk:Subdomain", "", "Zendesk:Subdomain (or ZENDESK_SUBDOMAIN) or Zendesk:BaseUrl is required")]
    [InlineData("Zendesk:Subdomain", "acme.zendesk.com", "must be the account's subdomain only")]
    [InlineData("Zendesk:BaseUrl", "https://acme.zendesk.com", "not both")]
    [InlineData("Zendesk:Email", "", "needs the agent's e-mail in ZENDESK_EMAIL")]
    [InlineData("Zendesk:ApiToken", "", "No Zendesk credentials")]
    [InlineData("Zendesk:OAuth:ClientId", "mcp", "remove ZENDESK_API_TOKEN")]
    [InlineData("Zendesk:MaxResults", "500", "Zendesk:MaxResults must be a whole number from 1 to 100")]
    [InlineData("Zendesk:DefaultMaxResults", "0", "Zendesk:DefaultMaxResults must be a whole number from 1 to 100")]
    [InlineData("Zendesk:MaxComments", "101", "Zendesk:MaxComments must be a whole number from 0 to 100")]
    public void InvalidSettings_AreRefusedNamingTheSetting(string key, string value, string message)
    {
        Dictionary<string, string> settings = Valid();
        settings[key] = value;

        var e = Assert.Throws<ConfigurationException>(() => Read(settings));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BaseUrl_WithCredentialsOrQuery_IsRefused()
    {
        Dictionary<string, string> settings = Valid();
        settings.Remove("Zendesk:Subdomain");
        settings["Zendesk:BaseUrl"] = "https://user:pw@acme.zendesk.com";

        var e = Assert.Throws<ConfigurationException>(() => Read(settings));

        Assert.Contains("Zendesk:BaseUrl must be an absolute http(s) URL", e.Message, StringComparison.Ordinal);
    }
}
