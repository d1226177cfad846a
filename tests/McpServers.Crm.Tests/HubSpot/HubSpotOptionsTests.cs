using McpServers.Crm.Backend.HubSpot;
using McpServers.Shared.Hosting;
using McpServers.Testing.Options;
using Microsoft.Extensions.Configuration;

namespace McpServers.Crm.Tests.HubSpot;

public sealed class HubSpotOptionsTests
{
    private static HubSpotOptions Read(Dictionary<string, string?> settings) =>
        HubSpotOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Fact]
    public void Defaults_AreHubSpotsV3Paths_AndSensibleAllowlists()
    {
        HubSpotOptions options = Read(new() { ["HubSpot:AccessToken"] = " pat-1 " });

        Assert.Equal("https://api.hubapi.com/", options.BaseUrl.ToString());
        Assert.Equal(("/crm/v3/objects", "/crm/v3/properties", "/crm/v4/associations"), (options.ObjectsPath, options.PropertiesPath, options.AssociationsPath));
        Assert.Equal("pat-1", options.AccessToken);
        Assert.Equal(["firstname", "lastname", "email", "jobtitle", "phone"], options.ContactWriteProperties);
        Assert.Equal(["dealstage", "closedate", "amount", "hs_next_step"], options.DealWriteProperties);
        Assert.Empty(options.CompanyWriteProperties);
        Assert.DoesNotContain("pat-1", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DateVersionedPathsAndAllowlists_AreSettings()
    {
        HubSpotOptions options = Read(new()
        {
            ["HubSpot:AccessToken"] = "pat-1",
            ["HubSpot:ObjectsPath"] = "crm/objects/2026-03/",
            ["HubSpot:CompanyProperties"] = "name, industry",
            ["HubSpot:DealWriteProperties:0"] = "dealstage",
        });

        Assert.Equal("/crm/objects/2026-03", options.ObjectsPath);
        Assert.Equal(["name", "industry"], options.CompanyProperties);
        Assert.Equal(["dealstage"], options.DealWriteProperties);
    }

    [Fact]
    public void OAuth_DefaultsToHubSpotsEndpoints()
    {
        HubSpotOptions options = Read(new() { ["HubSpot:OAuth:ClientId"] = "app-1" });

        Assert.Equal("https://app.hubspot.com/oauth/authorize", options.OAuth!.AuthorizationEndpoint);
        Assert.Equal("https://api.hubapi.com/oauth/v1/token", options.OAuth.TokenEndpoint);
        Assert.Equal("the OAuth sign-in (run `mcp-crm login`)", options.CredentialSettings);
    }

    [Theory]
    [InlineData(null, null, "No HubSpot credentials: set HUBSPOT_ACCESS_TOKEN (HubSpot:AccessToken) to a private-app token, or HubSpot:OAuth:ClientId")]
    [InlineData("pat-1", "app-1", "HubSpot:OAuth:ClientId is set: remove HUBSPOT_ACCESS_TOKEN (HubSpot:AccessToken), or remove the OAuth settings.")]
    public void ExactlyOneCredential_IsRequired(string? token, string? clientId, string message)
    {
        var e = Assert.Throws<ConfigurationException>(() => Read(new() { ["HubSpot:AccessToken"] = token, ["HubSpot:OAuth:ClientId"] = clientId }));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HubSpot:ObjectsPath", "/crm/../admin", "HubSpot:ObjectsPath must be a path")]
    [InlineData("HubSpot:BaseUrl", "ftp://api.hubapi.com", "HubSpot:BaseUrl must be an absolute http(s) URL")]
    [InlineData("HubSpot:OwnerId", "jane", "HubSpot:OwnerId must be a numeric owner id")]
    [InlineData("HubSpot:PortalId", "0", "HubSpot:PortalId must be the account's (hub) id")]
    [InlineData("HubSpot:DealProperties", "amount,Deal Name", "HubSpot:DealProperties: 'Deal Name' is not a property name")]
    [InlineData("HubSpot:UiDomain", "app.hubspot.com/evil", "HubSpot:UiDomain must be a host name")]
    public void BadSettings_AreRefusedNamingTheSetting(string key, string value, string message)
    {
        var e = Assert.Throws<ConfigurationException>(() => Read(new() { ["HubSpot:AccessToken"] = "pat-1", [key] = value }));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_AndTheHubSpotOptions_DescribeTheSameSettings()
    {
        IReadOnlyList<string> problems = new SettingsAgreement(CrmServer.Identity, (services, configuration) => services.AddHubSpot(configuration))
            .Undocumented("HubSpot:Http:", "the shared HTTP client's settings, listed once in the README; --help names HubSpot:Http:Proxy")
            .Problems(null);

        string[] ours = [.. problems.Where(p => p.Contains("HubSpot", StringComparison.Ordinal))];
        Assert.True(ours.Length == 0, string.Join(Environment.NewLine, ours));
    }
}
