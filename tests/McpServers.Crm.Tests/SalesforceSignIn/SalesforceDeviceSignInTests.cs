using McpServers.Crm.Backend.Salesforce;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.SalesforceSignIn;

/// <summary>
/// <c>mcp-crm login --device-code</c> in Salesforce's own device flow (not RFC 8628), with every endpoint defaulted
/// from <c>Salesforce:LoginUrl</c>: here the loopback org, which serves the token endpoint.
/// </summary>
public sealed class SalesforceDeviceSignInTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mcp-crm-sf-device-").FullName;
    private SalesforceOrgFake _org = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _org = await SalesforceOrgFake.StartAsync(Ct);
        _org.TokenPrefix = "CANARY-";
    }

    public async ValueTask DisposeAsync()
    {
        await _org.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task DeviceCodeLogin_AsksAtTheTokenEndpoint_PollsWithSalesforcesGrant_AndTheSignInServes()
    {
        await using ServiceProvider services = SalesforceAuthServices.Build(new()
        {
            ["Salesforce:LoginUrl"] = _org.InstanceUrl,
            ["Salesforce:OAuth:ClientId"] = SalesforceOrgFake.ClientId,
            ["Salesforce:OAuth:TokenFile"] = Path.Combine(_folder, "salesforce.json"),
        });
        var output = new StringWriter();

        int exit = await SignInCommands.LoginWithDeviceCodeAsync(services.GetRequiredService<UserSignIn>(), output, TimeProvider.System, Ct);
        await SalesforceAuthServices.CallApiAsync(services, Ct);

        Assert.Equal(0, exit);
        Assert.Contains("enter the code AB12-CD34", output.ToString(), StringComparison.Ordinal);
        string[] tokenRequests = [.. _org.Requests.Where(r => r.Path == "/services/oauth2/token").Select(r => r.Body)];
        Assert.Contains("response_type=device_code", tokenRequests[0], StringComparison.Ordinal);
        Assert.Contains("scope=api+refresh_token", tokenRequests[0], StringComparison.Ordinal);
        Assert.Contains("grant_type=device&code=dc-1", tokenRequests[1], StringComparison.Ordinal);
        Assert.Equal(_org.BaseAddress, await services.GetRequiredService<ISalesforceInstance>().GetAsync(Ct));
        Assert.Single(_org.RestRequests);
        Assert.DoesNotContain("CANARY", output.ToString(), StringComparison.Ordinal);
        Assert.True(services.GetRequiredService<SecretRedactor>().Contains("CANARY-5Aep-refresh-2"));
        Assert.Equal(["Bearer CANARY-00Dcc!session-1"], _org.RestRequests.Select(r => r.Header("Authorization")));
    }
}
