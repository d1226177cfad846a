using McpServers.Shared.Hosting;

namespace McpServers.Shared.Tests.Hosting;

/// <summary>Which settings the command line refuses as secrets (and a --config file refuses too).</summary>
public sealed class CommandLineTests
{
    private static readonly ServerIdentity Identity = TestServer.TestServer.Identity;

    [Theory]
    [InlineData("ApiKey")]
    [InlineData("Backend:Password")]
    [InlineData("ConnectionString")]
    [InlineData("Jira:ApiToken")]
    [InlineData("Auth:ClientSecret")]
    public void SecretSettings_AreRefused(string key)
    {
        var error = Assert.Throws<ConfigurationException>(() => CommandLine.Parse(["--set", key + "=abc"], Identity));

        Assert.Contains("is a secret", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Jira:OAuth:TokenFile")]
    [InlineData("Auth:ApiKeyName")]
    [InlineData("Auth:ApiKeyIn")]
    [InlineData("Jira:Http:ClientCertificatePasswordVariable")]
    [InlineData("Auth:TokenUrl")]
    public void SettingsThatSayWhereASecretIs_AreNotSecrets(string key) =>
        Assert.Equal("abc", CommandLine.Parse(["--set", key + "=abc"], Identity).Settings[key]);
}

/// <summary>The line a person sees when starting a server by hand: its command must paste into a shell unchanged.</summary>
public sealed class WaitingForClientLineTests
{
    [Fact]
    public void QuotesArgumentsAShellWouldSplitOrExpand()
    {
        string line = McpServerHostBuilder.WaitingForClient("mcp-x", ["--demo", "--set", "Filter=a&b c", "it's", "/srv/data"]);

        Assert.Contains("npx @modelcontextprotocol/inspector mcp-x --demo --set 'Filter=a&b c' 'it'\\''s' /srv/data ", line, StringComparison.Ordinal);
    }
}
