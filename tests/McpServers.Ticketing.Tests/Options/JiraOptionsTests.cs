using McpServers.Shared.Hosting;
using McpServers.Ticketing.Options;
using Microsoft.Extensions.Configuration;

namespace McpServers.Ticketing.Tests.Options;

public sealed class JiraOptionsTests
{
    private static JiraOptions Read(params (string Key, string Value)[] settings) =>
        JiraOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void CloudSettings_AreRead()
    {
        JiraOptions o = Read(("Jira:BaseUrl", "https://x.atlassian.net"), ("Jira:Projects", "OPS, WEB"),
            ("Jira:Email", "a@b.c"), ("Jira:ApiToken", "t0k"), ("Jira:Flavor", "cloud"), ("Jira:MaxResults", "50"));

        Assert.Equal(new Uri("https://x.atlassian.net/"), o.BaseUrl);
        Assert.Equal(["OPS", "WEB"], o.Projects);
        Assert.Equal(JiraFlavor.Cloud, o.Flavor);
        Assert.Equal(50, o.MaxResults);
        Assert.Equal(25, o.DefaultMaxResults);
        Assert.DoesNotContain("t0k", o.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Jira:BaseUrl", "ftp://x", "Jira:BaseUrl must be an absolute http(s) URL")]
    [InlineData("Jira:BaseUrl", "https://user:pw@x", "Jira:BaseUrl must be an absolute http(s) URL")]
    [InlineData("Jira:Projects", "", "Jira:Projects (or JIRA_PROJECTS) is required")]
    [InlineData("Jira:Projects", "ops", "'ops' is not a project key")]
    [InlineData("Jira:SiteUrl", "not a url", "Jira:SiteUrl must be an absolute http(s) URL")]
    [InlineData("Jira:Flavor", "Server2", "Jira:Flavor must be Auto, Cloud or DataCenter")]
    [InlineData("Jira:Email", "", "needs the account e-mail in JIRA_EMAIL")]
    [InlineData("Jira:PersonalAccessToken", "pat", "not both")]
    [InlineData("Jira:MaxResults", "5000", "Jira:MaxResults must be a whole number from 1 to 1000")]
    [InlineData("Jira:MaxResults", "many", "Jira:MaxResults must be a whole number.")]
    [InlineData("Jira:AllowRawJql", "yes", "Jira:AllowRawJql must be true or false.")]
    [InlineData("Jira:DefaultMaxResults", "200", "Jira:DefaultMaxResults must be a whole number from 1 to 100")]
    public void InvalidSettings_AreRefusedNamingTheSetting(string key, string value, string message)
    {
        var settings = new Dictionary<string, string>
        {
            ["Jira:BaseUrl"] = "https://x.atlassian.net",
            ["Jira:Projects"] = "OPS",
            ["Jira:Email"] = "a@b.c",
            ["Jira:ApiToken"] = "secret-token-value",
            [key] = value,
        };

        var e = Assert.Throws<ConfigurationException>(() => Read([.. settings.Select(s => (s.Key, s.Value))]));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoCredentials_AreRefusedUnlessAnonymousIsExplicit()
    {
        var e = Assert.Throws<ConfigurationException>(() => Read(("Jira:BaseUrl", "https://jira.corp"), ("Jira:Projects", "OPS")));
        Assert.Contains("JIRA_PAT", e.Message, StringComparison.Ordinal);

        Assert.True(Read(("Jira:BaseUrl", "https://jira.corp"), ("Jira:Projects", "OPS"), ("Jira:Anonymous", "true")).Anonymous);
    }

    [Fact]
    public void Projects_AcceptTheArrayFormOfAConfigFile()
    {
        JiraOptions o = Read(("Jira:BaseUrl", "https://jira.corp/jira"), ("Jira:Projects:0", "OPS"), ("Jira:Projects:1", " WEB "), ("Jira:Anonymous", "true"));

        Assert.Equal(["OPS", "WEB"], o.Projects);
        Assert.Equal(new Uri("https://jira.corp/jira/"), o.BaseUrl);
    }

    [Fact]
    public void DefaultMaxResults_WhenUnset_StaysWithinALowerMaximum() =>
        Assert.Equal(10, Read(("Jira:BaseUrl", "https://jira.corp"), ("Jira:Projects", "OPS"), ("Jira:Anonymous", "true"), ("Jira:MaxResults", "10")).DefaultMaxResults);
}
