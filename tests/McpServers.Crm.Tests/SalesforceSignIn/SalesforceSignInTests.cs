using McpServers.Crm.Backend.Salesforce;
using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Testing.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.SalesforceSignIn;

/// <summary>
/// The user sign-in to Salesforce through the shared <c>login</c> flow against a loopback authorization server that
/// answers like Salesforce's (with <c>instance_url</c>), and an org that answers 401 INVALID_SESSION_ID to a session
/// it does not accept.
/// </summary>
public sealed class SalesforceSignInTests : IAsyncLifetime
{
    private const string ClientSecret = "CANARY-consumer-secret-7731";
    private readonly string _folder = Directory.CreateTempSubdirectory("mcp-crm-sf-sign-in-").FullName;
    private readonly List<ServiceProvider> _providers = [];
    private FakeAuthorizationServer _auth = null!;
    private SalesforceOrgFake _org = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string TokenFile => Path.Combine(_folder, "salesforce.json");

    public async ValueTask InitializeAsync()
    {
        _auth = await FakeAuthorizationServer.StartAsync(Ct);
        _auth.ClientSecret = ClientSecret;
        _auth.TokenPrefix = "CANARY-";
        _auth.GrantedScope = "api refresh_token";
        _org = await SalesforceOrgFake.StartAsync(Ct);
        _org.AcceptAnySession = true;
        _auth.ExtraTokenFields["instance_url"] = _org.InstanceUrl;
        _auth.ExtraTokenFields["id"] = "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P";
        _auth.ExtraTokenFields["issued_at"] = "1708058728442";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceProvider provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _org.DisposeAsync();
        await _auth.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Salesforce:OAuth:ClientId"] = FakeAuthorizationServer.ClientId,
        ["Salesforce:OAuth:ClientSecret"] = ClientSecret,
        ["Salesforce:OAuth:AuthorizationEndpoint"] = _auth.AuthorizationEndpoint.ToString(),
        ["Salesforce:OAuth:TokenEndpoint"] = _auth.TokenEndpoint.ToString(),
        ["Salesforce:OAuth:RevocationEndpoint"] = _auth.RevocationEndpoint.ToString(),
        ["Salesforce:OAuth:TokenFile"] = TokenFile,
    };

    private ServiceProvider Services(Dictionary<string, string?>? settings = null)
    {
        ServiceProvider provider = SalesforceAuthServices.Build(settings ?? Settings());
        _providers.Add(provider);
        return provider;
    }

    private static async Task<int> LoginAsync(ServiceProvider services, TextWriter output) =>
        await SignInCommands.LoginAsync(services.GetRequiredService<UserSignIn>(), output, async url =>
        {
            using var browser = new HttpClient();
            (await browser.GetAsync(url, Ct)).Dispose();
        }, Ct);

    /// <summary>A sign-in as if <c>login</c> had run earlier, without an access token yet: the first call refreshes.</summary>
    private async Task SignedInEarlierAsync(ServiceProvider services)
    {
        _auth.Accept("CANARY-rt-0");
        await new FileRefreshTokenStore(TokenFile, TimeProvider.System).WriteAsync(services.GetRequiredService<UserSignIn>().Key,
            new StoredSignIn { RefreshToken = "CANARY-rt-0" }, Ct);
    }

    [Fact]
    public async Task Login_AsksForSalesforceScopes_KeepsTheInstanceUrl_AndTheApiIsCalledThereAsTheUser()
    {
        ServiceProvider services = Services();

        Assert.Equal(0, await LoginAsync(services, new StringWriter()));
        string body = await SalesforceAuthServices.CallApiAsync(services, Ct);

        Assert.Contains("scope=api%20refresh_token", _auth.Requests.Single(r => r.Path == "/authorize").RawQuery, StringComparison.Ordinal);
        Assert.Contains("DailyApiRequests", body, StringComparison.Ordinal);
        Assert.Equal(_org.InstanceUrl, (await services.GetRequiredService<UserSignIn>().ReadAsync(Ct))!.Fields!["instance_url"]);
        Assert.Equal(["Bearer CANARY-at-1"], _org.RestRequests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task ALaterProcess_KnowsTheInstanceFromTheStoredSignIn_WithoutAnotherTokenRequest()
    {
        Assert.Equal(0, await LoginAsync(Services(), new StringWriter()));
        int tokenRequests = _auth.Requests.Count(r => r.Path == "/token");

        ServiceProvider later = Services();
        Uri instance = await later.GetRequiredService<ISalesforceInstance>().GetAsync(Ct);
        await SalesforceAuthServices.CallApiAsync(later, Ct);

        Assert.Equal(_org.BaseAddress, instance);
        Assert.Equal(tokenRequests, _auth.Requests.Count(r => r.Path == "/token"));
        Assert.Equal(["Bearer CANARY-at-1"], _org.RestRequests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task ConfiguredInstanceUrl_WinsOverTheTokenAnswer()
    {
        _auth.ExtraTokenFields["instance_url"] = "https://evil.example";
        Dictionary<string, string?> settings = Settings();
        settings["Salesforce:InstanceUrl"] = _org.InstanceUrl;
        ServiceProvider services = Services(settings);
        await SignedInEarlierAsync(services);

        await SalesforceAuthServices.CallApiAsync(services, Ct);

        Assert.Equal(_org.BaseAddress, await services.GetRequiredService<ISalesforceInstance>().GetAsync(Ct));
        Assert.Single(_org.RestRequests);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("https://acme.my.salesforce.com.evil.example")]
    [InlineData("https://evil.example/acme.my.salesforce.com")]
    [InlineData("http://acme.my.salesforce.com")]
    [InlineData("https://acme.my.salesforce.com:8443")]
    [InlineData("https://user@acme.my.salesforce.com")]
    [InlineData("https://93.184.216.34")]
    [InlineData("ftp://acme.my.salesforce.com")]
    [InlineData("")]
    public async Task HostileInstanceUrl_IsRefusedBeforeAnythingIsSent_AndTheMessageNamesTheSetting(string hostile)
    {
        _auth.ExtraTokenFields["instance_url"] = hostile;
        ServiceProvider services = Services();
        await SignedInEarlierAsync(services);

        var e = await Assert.ThrowsAsync<BackendException>(() => SalesforceAuthServices.CallApiAsync(services, Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, e.Kind);
        Assert.Contains("SALESFORCE_INSTANCE_URL (Salesforce:InstanceUrl)", e.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", e.SafeMessage, StringComparison.Ordinal);
        Assert.Empty(_org.Requests);
    }

    [Fact]
    public async Task EndedSession_IsRenewedOnce_AndTheCallGoesThrough()
    {
        ServiceProvider services = Services();
        await SignedInEarlierAsync(services);
        await SalesforceAuthServices.CallApiAsync(services, Ct);

        _org.EndSession("CANARY-at-1");
        await SalesforceAuthServices.CallApiAsync(services, Ct);

        Assert.Equal(["Bearer CANARY-at-1", "Bearer CANARY-at-1", "Bearer CANARY-at-2"], _org.RestRequests.Select(r => r.Header("Authorization")));
        Assert.Equal(2, _auth.Rotations);
    }

    [Fact]
    public async Task SessionRefusedEvenAfterRenewal_TellsTheUserToRunLogin()
    {
        ServiceProvider services = Services();
        await SignedInEarlierAsync(services);
        await SalesforceAuthServices.CallApiAsync(services, Ct);

        _org.EndAllSessions();
        var e = await Assert.ThrowsAsync<BackendException>(() => SalesforceAuthServices.CallApiAsync(services, Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, e.Kind);
        Assert.Contains("run `mcp-crm login` to sign in again", e.SafeMessage, StringComparison.Ordinal);
        Assert.Equal(["Bearer CANARY-at-1", "Bearer CANARY-at-2"], _org.RestRequests.Skip(1).Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task RevokedSignIn_TellsTheUserToRunLogin_AndNothingReachesTheOrg()
    {
        ServiceProvider services = Services();
        await SignedInEarlierAsync(services);
        _auth.Revoked = true;

        var e = await Assert.ThrowsAsync<BackendException>(() => SalesforceAuthServices.CallApiAsync(services, Ct));

        Assert.Equal("The Salesforce sign-in has expired or was revoked; run `mcp-crm login` to sign in again.", e.SafeMessage);
        Assert.Empty(_org.Requests);
    }

    [Fact]
    public async Task LoginWhoAmIAndLogout_WorkForSalesforce_AndNoSecretIsPrintedOrLeftUnredacted()
    {
        ServiceProvider services = Services();
        var output = new StringWriter();

        Assert.Equal(0, await LoginAsync(services, output));
        await SalesforceAuthServices.CallApiAsync(services, Ct);
        Assert.Equal(0, await SignInCommands.WhoAmIAsync(services.GetRequiredService<UserSignIn>(), services.GetRequiredService<OAuthCredential>(), output, Ct));
        Assert.Equal(0, await SignInCommands.LogoutAsync(services.GetRequiredService<UserSignIn>(), output, Ct));
        _org.EndAllSessions();
        var e = await Assert.ThrowsAsync<BackendException>(() => SalesforceAuthServices.CallApiAsync(services, Ct));

        string printed = output.ToString() + e.SafeMessage + e;
        Assert.Contains("Signed in to Salesforce as ", printed, StringComparison.Ordinal);
        Assert.Contains("Scopes: api refresh_token", printed, StringComparison.Ordinal);
        Assert.Contains($"instance_url: {_org.InstanceUrl}", printed, StringComparison.Ordinal);
        Assert.Contains("Signed out of Salesforce", printed, StringComparison.Ordinal);
        Assert.Equal(["CANARY-rt-1"], _auth.RevokedTokens);
        Assert.False(File.Exists(TokenFile));
        SignInProcess.AssertNoToken(_auth, printed);
        SecretRedactor redactor = services.GetRequiredService<SecretRedactor>();
        Assert.All(_auth.IssuedTokens.Append(ClientSecret), secret => Assert.True(redactor.Contains(secret), "not redacted"));
    }
}
