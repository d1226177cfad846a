using McpServers.Crm.Backend;
using McpServers.Crm.Tests.Fakes;
using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;
using McpServers.Testing.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.HubSpot;

/// <summary>OAuth sign-in through the shared `mcp-crm login` against a loopback authorization server, then HubSpot as that user.</summary>
public sealed class HubSpotSignInTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mcp-crm-hubspot-oauth-").FullName;
    private FakeAuthorizationServer _auth = null!;
    private FakeHubSpot _fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _auth = await FakeAuthorizationServer.StartAsync(Ct);
        _fake = await FakeHubSpot.Start(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _fake.DisposeAsync();
        await _auth.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private HubSpotServices SignInServices() => new(_fake, new Dictionary<string, string?>
    {
        ["HubSpot:AccessToken"] = null,
        ["HubSpot:OwnerId"] = null,
        ["HubSpot:OAuth:ClientId"] = FakeAuthorizationServer.ClientId,
        ["HubSpot:OAuth:ClientSecret"] = "app-secret",
        ["HubSpot:OAuth:AuthorizationEndpoint"] = _auth.AuthorizationEndpoint.ToString(),
        ["HubSpot:OAuth:TokenEndpoint"] = _auth.TokenEndpoint.ToString(),
        ["HubSpot:OAuth:TokenFile"] = Path.Combine(_folder, "hubspot-refresh-token"),
    });

    [Fact]
    public async Task Login_ThenOwnerMe_IsTheSignedInUsersOwner_AndEveryCallCarriesTheirToken()
    {
        _fake.AcceptedToken = "at-1";
        using HubSpotServices hs = SignInServices();
        var output = new StringWriter();

        int exit = await SignInCommands.LoginAsync(hs.Services.GetRequiredService<UserSignIn>(), output, async url =>
        {
            using var browser = new HttpClient();
            (await browser.GetAsync(url, Ct)).Dispose();
        }, Ct);
        RecordPage<OpportunitySummary> page = await hs.Gateway.SearchOpportunitiesAsync(new OpportunityFilter { Owner = "me", Status = OpportunityStatus.Open }, new PageRequest(10, null), Ct);

        Assert.Equal(0, exit);
        Assert.Contains("scope=oauth%20crm.objects.companies.read", _auth.Requests.Single(r => r.Path == "/authorize").RawQuery, StringComparison.Ordinal);
        Assert.Equal(["302"], page.Records.Select(r => r.Id));
        Assert.Equal("""{"propertyName":"hubspot_owner_id","operator":"EQ","value":"7001"}""",
            _fake.Searches("deals").Single()["filterGroups"]![0]!["filters"]![1]!.ToJsonString());
        Assert.Contains(_fake.Requests, r => r.Path == "/oauth/v1/access-tokens/at-1");
        Assert.Contains(_fake.Requests, r => r.Path == "/crm/v3/owners/9001" && r.RawQuery == "?idProperty=userId");
        Assert.All(_fake.Requests, r => Assert.Equal("Bearer at-1", r.Header("Authorization")));
        Assert.Equal(FakeHubSpot.MyEmail, hs.Audit.BackendIdentity);
        Assert.Equal(FakeHubSpot.MyEmail, (await hs.Gateway.CheckAsync(Ct)).User);
    }

    [Fact]
    public async Task WithoutASignIn_ToolsAskTheUserToRunLogin_AndNothingReachesHubSpot()
    {
        using HubSpotServices hs = SignInServices();

        var e = await Assert.ThrowsAsync<BackendException>(() => hs.Gateway.DescribeObjectAsync(CrmObjectKind.Contact, Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, e.Kind);
        Assert.Contains("mcp-crm login", e.SafeMessage, StringComparison.Ordinal);
        Assert.Empty(_fake.Requests);
    }
}
