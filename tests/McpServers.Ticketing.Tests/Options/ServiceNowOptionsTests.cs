using McpServers.Ticketing.Options;
using Microsoft.Extensions.Options;

namespace McpServers.Ticketing.Tests.Options;

public sealed class ServiceNowOptionsTests
{
    private static ServiceNowOptions Valid() => new()
    {
        InstanceUrl = new Uri("https://acme.service-now.com/"),
        UserName = "mcp.integration",
        Password = "secret",
    };

    private static string Problems(ServiceNowOptions options) =>
        new ServiceNowOptionsValidator().Validate(null, options) is { Failed: true } result ? string.Join(" ", result.Failures) : "";

    [Fact]
    public void TheDefaults_AreValid_AndReadTheFivePromisedTables()
    {
        Assert.Equal("", Problems(Valid()));
        Assert.Equal(["incident", "problem", "change_request", "sc_req_item", "kb_knowledge"], Valid().Tables);
        Assert.Empty(Valid().Writable("kb_knowledge"));
        Assert.Equal(["sys_id", "number"], Valid().ReadableFields("incident").Take(2));
    }

    [Theory]
    [InlineData("sys_user")]
    [InlineData("sys_script")]
    [InlineData("sys_properties")]
    [InlineData("v_plugin")]
    public void SystemTables_AreNeverToolTargets_WhateverTheConfigurationSays(string table)
    {
        ServiceNowOptions options = Valid() with { Tables = ["incident", table] };

        Assert.Contains($"'{table}' is a system table", Problems(options), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingCredentials_NameTheEnvironmentVariables() =>
        Assert.Contains("SERVICENOW_PASSWORD", Problems(Valid() with { Password = null }), StringComparison.Ordinal);

    [Fact]
    public void JournalFields_CannotBeMadeWritableFields()
    {
        ServiceNowOptions options = Valid();
        options.WritableFields["incident"] = "short_description,work_notes";

        Assert.Contains("snow_add_work_note", Problems(options), StringComparison.Ordinal);
    }

    [Fact]
    public void DotWalkedFields_AreRefused()
    {
        ServiceNowOptions options = Valid();
        options.Fields["incident"] = "caller_id.name";

        Assert.Contains("no dot-walking", Problems(options), StringComparison.Ordinal);
    }

    [Fact]
    public void OAuth_DefaultsToTheInstancesOwnEndpoints()
    {
        var oauth = new McpServers.Shared.Credentials.OAuthClientOptions { ClientId = "abc" };

        ServiceNowOptions.DefaultEndpoints(oauth, new Uri("https://acme.service-now.com/"));

        Assert.Equal("https://acme.service-now.com/oauth_auth.do", oauth.AuthorizationEndpoint);
        Assert.Equal("https://acme.service-now.com/oauth_token.do", oauth.TokenEndpoint);
    }
}
