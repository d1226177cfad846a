using System.Text.RegularExpressions;
using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Tests.Pipeline;
using McpServers.Testing.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Shared.Tests.Credentials;

public sealed partial class UserSignInTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mcp-sign-in-").FullName;
    private readonly List<ServiceProvider> _providers = [];
    private FakeAuthorizationServer _auth = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string TokenFile => Path.Combine(_folder, "sub", "sign-in.json");

    public async ValueTask InitializeAsync()
    {
        _auth = await FakeAuthorizationServer.StartAsync(Ct);
        _auth.ClientSecret = "CANARY-client-secret";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceProvider provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _auth.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private ServiceProvider Services(TimeProvider? time = null, IReadOnlyList<string>? keptFields = null)
    {
        ServiceProvider provider = SignInServices.Build(_auth, TokenFile, time, dialect: keptFields is null ? null : new OAuthDialect { KeptFields = keptFields });
        _providers.Add(provider);
        return provider;
    }

    /// <summary>A sign-in as if <c>login</c> had run earlier: the refresh token stored, and valid at the server.</summary>
    private async Task SignedInEarlierAsync(ServiceProvider services, string refreshToken = "rt-0")
    {
        _auth.Accept(refreshToken);
        await new FileRefreshTokenStore(TokenFile, TimeProvider.System).WriteAsync(services.GetRequiredService<UserSignIn>().Key,
            new StoredSignIn { RefreshToken = refreshToken }, Ct);
    }

    private static async Task FollowInBrowser(Uri url)
    {
        using var browser = new HttpClient();
        (await browser.GetAsync(url, Ct)).Dispose();
    }

    [Fact]
    public async Task Login_ExchangesTheCodeWithThePkceVerifier_AndStoresTheSignInForTheUserOnly()
    {
        ServiceProvider services = Services();
        var output = new StringWriter();

        int exit = await SignInCommands.LoginAsync(services.GetRequiredService<UserSignIn>(), output, FollowInBrowser, Ct);

        Assert.Equal(0, exit);
        Assert.Contains("\"refresh_token\": \"rt-1\"", File.ReadAllText(TokenFile), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokenFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(TokenFile)!));
        }

        string authorize = _auth.Requests.Single(r => r.Path == "/authorize").RawQuery;
        Assert.Contains("code_challenge_method=S256", authorize, StringComparison.Ordinal);
        Assert.Contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A", authorize, StringComparison.Ordinal);
        Assert.Contains("state=", authorize, StringComparison.Ordinal);
        string exchange = _auth.Requests.Single(r => r.Path == "/token").Body;
        Assert.Contains("grant_type=authorization_code", exchange, StringComparison.Ordinal);
        Assert.Contains("code_verifier=", exchange, StringComparison.Ordinal);
        Assert.Equal("at-1", await services.GetRequiredService<OAuthCredential>().TokenAsync(Ct));
        Assert.Contains("Signed in to Test", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("at-1", output.ToString(), StringComparison.Ordinal);
        SecretRedactor redactor = services.GetRequiredService<SecretRedactor>();
        Assert.All(_auth.IssuedTokens, token => Assert.True(redactor.Contains(token), token));
    }

    [Fact]
    public async Task Login_ASilentConnectionToTheCallbackPort_DoesNotHoldUpTheRealRedirect()
    {
        ServiceProvider services = Services();
        var output = new StringWriter();
        using var silent = new System.Net.Sockets.TcpClient();
        using var probe = new HttpClient();

        int exit = await SignInCommands.LoginAsync(services.GetRequiredService<UserSignIn>(), output, async url =>
        {
            var redirect = new Uri(Uri.UnescapeDataString(RedirectUri().Match(url.Query).Groups[1].Value));
            // Connected first, and never sends a byte (a browser preconnect, or another local process).
            await silent.ConnectAsync(System.Net.IPAddress.Loopback, redirect.Port, Ct);
            // A look-alike path is not the callback.
            (await probe.GetAsync(new Uri(redirect, "/callbackevil?code=stolen&state=forged"), Ct)).Dispose();
            await FollowInBrowser(url);
        }, Ct);

        Assert.Equal(0, exit);
        Assert.Contains("\"refresh_token\": \"rt-1\"", File.ReadAllText(TokenFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_RefusesAnAnswerForAnotherLogin_AndStoresNothing()
    {
        ServiceProvider services = Services();
        var output = new StringWriter();

        // A forged callback: the right address, a code, but not this login's state.
        int exit = await SignInCommands.LoginAsync(services.GetRequiredService<UserSignIn>(), output, url =>
            FollowInBrowser(new Uri(Uri.UnescapeDataString(RedirectUri().Match(url.Query).Groups[1].Value) + "?code=stolen&state=forged")), Ct);

        Assert.Equal(1, exit);
        Assert.Contains("state mismatch", output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(TokenFile));
        Assert.DoesNotContain(_auth.Requests, r => r.Path == "/token");
    }

    [Fact]
    public async Task AccessToken_IsRenewedShortlyBeforeItExpires_AndTheRotatedRefreshTokenIsStored()
    {
        var clock = new ManualTimeProvider();
        ServiceProvider services = Services(clock);
        await SignedInEarlierAsync(services);
        OAuthCredential credential = services.GetRequiredService<OAuthCredential>();

        string first = await credential.TokenAsync(Ct);
        clock.Advance(TimeSpan.FromMinutes(58));
        string cached = await credential.TokenAsync(Ct);
        clock.Advance(TimeSpan.FromSeconds(61));
        string renewed = await credential.TokenAsync(Ct);

        Assert.Equal(["at-1", "at-1", "at-2"], [first, cached, renewed]);
        Assert.Equal(2, _auth.Rotations);
        Assert.Equal("rt-2", (await services.GetRequiredService<UserSignIn>().ReadAsync(Ct))!.RefreshToken);
    }

    [Fact]
    public async Task TwoSessionsSharingOneStore_RotateTheRefreshTokenOnce_AndBothGetAValidToken()
    {
        // Two server processes started by two client sessions: separate caches, one store and its lock.
        ServiceProvider one = Services(), two = Services();
        await SignedInEarlierAsync(one);

        string[] tokens = await Task.WhenAll(
            Task.Run(() => one.GetRequiredService<OAuthCredential>().TokenAsync(Ct), Ct),
            Task.Run(() => two.GetRequiredService<OAuthCredential>().TokenAsync(Ct), Ct));

        Assert.Equal(1, _auth.Rotations);
        Assert.Equal(["at-1", "at-1"], tokens);
        Assert.Equal("rt-1", _auth.CurrentRefreshToken);
        Assert.Equal("rt-1", (await two.GetRequiredService<UserSignIn>().ReadAsync(Ct))!.RefreshToken);
        // Read from the store, not fetched, by one of them: registered with its redactor all the same.
        Assert.All([one, two], s => Assert.True(s.GetRequiredService<SecretRedactor>().Contains("rt-1")));
        Assert.All([one, two], s => Assert.True(s.GetRequiredService<SecretRedactor>().Contains("at-1")));
    }

    [Fact]
    public async Task KeptTokenResponseFields_AreStoredWithTheSignIn_AndHandedOutWithEveryToken_OthersAreDropped()
    {
        _auth.ExtraTokenFields["api_url"] = "https://api-1.example";
        _auth.ExtraTokenFields["other"] = "not asked for";
        _auth.ExtraTokenFields["bad"] = "line\nbreak";
        ServiceProvider services = Services(keptFields: ["api_url", "bad"]);

        Assert.Equal(0, await SignInCommands.LoginAsync(services.GetRequiredService<UserSignIn>(), new StringWriter(), FollowInBrowser, Ct));
        StoredSignIn stored = (await services.GetRequiredService<UserSignIn>().ReadAsync(Ct))!;
        AccessToken token = await services.GetRequiredService<OAuthCredential>().CurrentAsync(Ct);

        Assert.Equal(new Dictionary<string, string> { ["api_url"] = "https://api-1.example" }, stored.Fields);
        Assert.Equal("https://api-1.example", token.Fields!["api_url"]);
        Assert.DoesNotContain("not asked for", File.ReadAllText(TokenFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhoAmI_ShowsTheKeptFields()
    {
        _auth.ExtraTokenFields["api_url"] = "https://api-1.example";
        ServiceProvider services = Services(keptFields: ["api_url"]);
        Assert.Equal(0, await SignInCommands.LoginAsync(services.GetRequiredService<UserSignIn>(), new StringWriter(), FollowInBrowser, Ct));
        var output = new StringWriter();

        Assert.Equal(0, await SignInCommands.WhoAmIAsync(services.GetRequiredService<UserSignIn>(), services.GetRequiredService<OAuthCredential>(), output, Ct));

        Assert.Contains("api_url: https://api-1.example" + Environment.NewLine, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceCode_InAProvidersDialect_SendsItsParameters_GrantTypeAndCodeName()
    {
        _auth.ApproveDevicesImmediately = true;
        ServiceProvider services = SignInServices.Build(_auth, TokenFile, dialect: new OAuthDialect
        {
            DeviceAuthorizationParameters = new Dictionary<string, string> { ["response_type"] = "device_code" },
            DeviceGrantType = "device",
            DeviceCodeParameter = "code",
        });
        _providers.Add(services);

        // The fake speaks RFC 8628 only, so it refuses the provider's grant; the requests are what this test is about.
        int exit = await SignInCommands.LoginWithDeviceCodeAsync(services.GetRequiredService<UserSignIn>(), new StringWriter(), TimeProvider.System, Ct);

        Assert.Equal(1, exit);
        Assert.StartsWith("response_type=device_code&scope=", _auth.Requests.Single(r => r.Path == "/device_authorization").Body, StringComparison.Ordinal);
        Assert.StartsWith("grant_type=device&code=dc-", _auth.Requests.Single(r => r.Path == "/token").Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeptField_IsReplacedByARefreshThatCarriesIt_AndKeptWhenTheRefreshDoesNot()
    {
        ServiceProvider services = Services(keptFields: ["api_url"]);
        _auth.Accept("rt-0");
        await new FileRefreshTokenStore(TokenFile, TimeProvider.System).WriteAsync(services.GetRequiredService<UserSignIn>().Key,
            new StoredSignIn { RefreshToken = "rt-0", Fields = new() { ["api_url"] = "https://old.example" } }, Ct);
        UserSignIn signIn = services.GetRequiredService<UserSignIn>();

        AccessToken kept = await signIn.AcquireAsync(null, Ct);
        _auth.ExtraTokenFields["api_url"] = "https://new.example";
        AccessToken replaced = await signIn.AcquireAsync(kept.Value, Ct);

        Assert.Equal("https://old.example", kept.Fields!["api_url"]);
        Assert.Equal("https://new.example", replaced.Fields!["api_url"]);
        Assert.Equal("https://new.example", (await signIn.ReadAsync(Ct))!.Fields!["api_url"]);
    }

    [Fact]
    public async Task RevokedSignIn_TellsTheUserToRunLogin()
    {
        ServiceProvider services = Services();
        await SignedInEarlierAsync(services);
        _auth.Revoked = true;

        var e = await Assert.ThrowsAsync<BackendException>(() => services.GetRequiredService<OAuthCredential>().TokenAsync(Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, e.Kind);
        Assert.Equal("The Test sign-in has expired or was revoked; run `mcp-test login` to sign in again.", e.SafeMessage);
    }

    [Fact]
    public async Task NoSignIn_TellsTheUserToRunLogin()
    {
        var e = await Assert.ThrowsAsync<BackendException>(() => Services().GetRequiredService<OAuthCredential>().TokenAsync(Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, e.Kind);
        Assert.Contains("run `mcp-test login`", e.SafeMessage, StringComparison.Ordinal);
        Assert.Contains("--device-code", e.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceCode_PollsUntilTheUserApproves_AndSlowsDownWhenAsked()
    {
        _auth.SlowDownOnce = true;
        // The waits of the polling loop only (the HTTP client's own timeouts keep the real clock).
        var clock = new InstantDelays();
        ServiceProvider services = Services();
        var output = new StringWriter();
        // The user approves while the server waits for the second time.
        clock.OnDelay = n =>
        {
            if (n == 2)
            {
                _auth.Approve(UserCode().Match(output.ToString()).Groups[1].Value);
            }
        };

        int exit = await SignInCommands.LoginWithDeviceCodeAsync(services.GetRequiredService<UserSignIn>(), output, clock, Ct);

        Assert.Equal(0, exit);
        // Interval 1 s, plus 5 s after slow_down (RFC 8628 §3.5), for every later wait.
        Assert.Equal([TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(6)], clock.Delays);
        Assert.Equal(3, _auth.Requests.Count(r => r.Path == "/token"));
        Assert.Contains("urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code", _auth.Requests.First(r => r.Path == "/token").Body, StringComparison.Ordinal);
        Assert.Equal("rt-1", (await services.GetRequiredService<UserSignIn>().ReadAsync(Ct))!.RefreshToken);
        Assert.Contains("/device", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("dc-", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_RevokesTheRefreshToken_AndRemovesTheSignIn()
    {
        ServiceProvider services = Services();
        await SignedInEarlierAsync(services, "rt-0");
        var output = new StringWriter();

        int exit = await SignInCommands.LogoutAsync(services.GetRequiredService<UserSignIn>(), output, Ct);

        Assert.Equal(0, exit);
        Assert.False(File.Exists(TokenFile));
        Assert.Equal(["rt-0"], _auth.RevokedTokens);
        Assert.Contains("token_type_hint=refresh_token", _auth.Requests.Single(r => r.Path == "/revoke").Body, StringComparison.Ordinal);
        Assert.DoesNotContain("rt-0", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhoAmI_ShowsPrincipalExpiryAndScopes_NeverAToken()
    {
        var clock = new ManualTimeProvider();
        ServiceProvider services = Services(clock);
        await SignedInEarlierAsync(services);
        var output = new StringWriter();

        int exit = await SignInCommands.WhoAmIAsync(services.GetRequiredService<UserSignIn>(), services.GetRequiredService<OAuthCredential>(), output, Ct);

        Assert.Equal(0, exit);
        string text = output.ToString();
        Assert.Contains($"Signed in to Test as {Environment.UserName}", text, StringComparison.Ordinal);
        Assert.Contains("valid until 2026-11-24 10:00:00 UTC", text, StringComparison.Ordinal);
        Assert.Contains("Scopes: read write offline_access", text, StringComparison.Ordinal);
        Assert.All(_auth.IssuedTokens.Append("rt-0"), token => Assert.DoesNotContain(token, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhoAmI_ShowsTheServersScopeText_OnOneLine_WithoutTerminalEscapes()
    {
        _auth.GrantedScope = "read\u001b[2J\u001b]0;pwned\u0007\nSigned in as admin";
        var clock = new ManualTimeProvider();
        ServiceProvider services = Services(clock);
        await SignedInEarlierAsync(services);
        var output = new StringWriter();

        Assert.Equal(0, await SignInCommands.WhoAmIAsync(services.GetRequiredService<UserSignIn>(), services.GetRequiredService<OAuthCredential>(), output, Ct));

        string scopes = Assert.Single(output.ToString().Split('\n'), l => l.StartsWith("Scopes:", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', output.ToString());
        Assert.DoesNotContain('\u0007', output.ToString());
        Assert.Contains("Signed in as admin", scopes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhoAmI_WithoutASignIn_SaysHowToSignIn_AndFails()
    {
        ServiceProvider services = Services();
        var output = new StringWriter();

        int exit = await SignInCommands.WhoAmIAsync(services.GetRequiredService<UserSignIn>(), services.GetRequiredService<OAuthCredential>(), output, Ct);

        Assert.Equal(1, exit);
        Assert.Contains("run `mcp-test login`", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(_auth.Requests);
    }

    [Fact]
    public async Task AnotherBackendsSignIn_IsNotUsed()
    {
        ServiceProvider services = Services();
        await new FileRefreshTokenStore(TokenFile, TimeProvider.System).WriteAsync(new SignInKey("Other", Environment.UserName),
            new StoredSignIn { RefreshToken = "rt-other" }, Ct);

        Assert.Null(await services.GetRequiredService<UserSignIn>().ReadAsync(Ct));
    }

    [GeneratedRegex("redirect_uri=([^&]+)")]
    private static partial Regex RedirectUri();

    [GeneratedRegex("enter the code ([0-9A-F]{4}-[0-9A-F]{4})")]
    private static partial Regex UserCode();
}
