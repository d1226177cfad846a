using McpServers.Shared.Errors;
using McpServers.Testing.Hosting;
using McpServers.Ticketing.Backend.OAuth;
using McpServers.Ticketing.Options;
using McpServers.Ticketing.Tests.Fake;
using Microsoft.Extensions.Configuration;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Ticketing.Tests.Backend;

public sealed class OAuthTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mcp-ticketing-oauth-").FullName;
    private FakeAuthorizationServer _auth = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string TokenFile => Path.Combine(_folder, "sub", "refresh-token");

    public async ValueTask InitializeAsync() => _auth = await FakeAuthorizationServer.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _auth.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private OAuthSettings Settings => new()
    {
        ClientId = "client-1",
        ClientSecret = "CANARY-client-secret",
        AuthorizationEndpoint = new Uri(_auth.BaseAddress, "authorize"),
        TokenEndpoint = new Uri(_auth.BaseAddress, "token"),
        Scopes = "read:jira-work offline_access",
        TokenFile = TokenFile,
    };

    private Dictionary<string, string?> ServerSettings(FakeJira jira) => new()
    {
        ["Jira:BaseUrl"] = jira.BaseAddress.ToString(),
        ["Jira:Flavor"] = "Cloud",
        ["Jira:Projects"] = "OPS",
        ["Jira:OAuth:ClientId"] = "client-1",
        ["Jira:OAuth:AuthorizationEndpoint"] = new Uri(_auth.BaseAddress, "authorize").ToString(),
        ["Jira:OAuth:TokenEndpoint"] = new Uri(_auth.BaseAddress, "token").ToString(),
        ["Jira:OAuth:TokenFile"] = TokenFile,
        ["Jira:SiteUrl"] = "https://site.example",
    };

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Login_ExchangesTheCodeWithThePkceVerifier_AndStoresTheRefreshTokenForTheUserOnly()
    {
        using var http = new HttpClient();
        using var session = new OAuthSession(http, Settings, new RefreshTokenStore(Settings), TimeProvider.System);
        var output = new StringWriter();

        // The "browser" follows the authorization endpoint's redirect to the loopback callback.
        int exit = await LoginCommand.RunAsync(Settings, session, output, async url => (await http.GetAsync(url, Ct)).Dispose(), Ct);

        Assert.Equal(0, exit);
        Assert.Equal("rt-1", File.ReadAllText(TokenFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokenFile));
        }

        string authorize = _auth.Requests.Single(r => r.Path == "/authorize").RawQuery;
        Assert.Contains("code_challenge_method=S256", authorize, StringComparison.Ordinal);
        Assert.Contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A", authorize, StringComparison.Ordinal);
        Assert.Contains("grant_type=authorization_code", _auth.Requests.Single(r => r.Path == "/token").Body, StringComparison.Ordinal);
        Assert.Equal("at-1", await session.AccessTokenAsync(Ct));
        Assert.DoesNotContain("CANARY", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Signed in", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_RefreshesBeforeExpiry_AndStoresTheRotatedRefreshToken()
    {
        new RefreshTokenStore(Settings).Write("rt-0");
        _auth.Accept("rt-0");
        var clock = new ManualClock();
        using var http = new HttpClient();
        using var session = new OAuthSession(http, Settings, new RefreshTokenStore(Settings), clock);

        string first = await session.AccessTokenAsync(Ct);
        clock.Now += TimeSpan.FromMinutes(58);
        string cached = await session.AccessTokenAsync(Ct);
        clock.Now += TimeSpan.FromSeconds(61);
        string refreshed = await session.AccessTokenAsync(Ct);

        Assert.Equal(["at-1", "at-1", "at-2"], [first, cached, refreshed]);
        Assert.Equal(2, _auth.Requests.Count(r => r.Path == "/token"));
        Assert.Equal("rt-2", File.ReadAllText(TokenFile));
    }

    [Fact]
    public async Task RevokedRefreshToken_TellsTheUserToRunLogin()
    {
        new RefreshTokenStore(Settings).Write("rt-0");
        _auth.Accept("rt-0");
        _auth.Revoked = true;
        using var http = new HttpClient();
        using var session = new OAuthSession(http, Settings, new RefreshTokenStore(Settings), TimeProvider.System);

        var e = await Assert.ThrowsAsync<BackendException>(() => session.AccessTokenAsync(Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, e.Kind);
        Assert.Contains("run `mcp-ticketing login`", e.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_ActAsTheSignedInUserWithABearerAccessToken_OrAskForLogin()
    {
        await using FakeJira jira = await FakeJira.StartAsync(cloud: true, Ct);
        await using (var signedOut = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), ServerSettings(jira)))
        {
            McpClient client = await signedOut.ConnectAsync(cancellationToken: Ct);
            CallToolResult refused = await client.CallToolAsync("jira_list_projects", cancellationToken: Ct);
            Assert.True(refused.IsError);
            Assert.Contains("mcp-ticketing login", string.Join("\n", refused.Content.OfType<TextContentBlock>().Select(b => b.Text)), StringComparison.Ordinal);
        }

        new RefreshTokenStore(Settings).Write("rt-0");
        _auth.Accept("rt-0");
        await using var host = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), ServerSettings(jira));
        McpClient signedIn = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await signedIn.CallToolAsync("jira_list_projects", cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("OPS", result.StructuredContent!.Value.GetProperty("projects")[0].GetProperty("key").GetString());
        CallToolResult issue = await signedIn.CallToolAsync("jira_get_issue", new Dictionary<string, object?> { ["issue_key"] = "OPS-1" }, cancellationToken: Ct);
        Assert.Equal("https://site.example/browse/OPS-1", issue.StructuredContent!.Value.GetProperty("url").GetString());
        Assert.All(jira.Requests, r => Assert.Equal("Bearer at-1", r.Header("Authorization")));
        Assert.Equal("Jane Doe (acc-me)", host.AuditEvents()[^1].GetProperty("principal").GetProperty("backend").GetString());
        Assert.DoesNotContain("rt-", AuditFiles.RawText(host.AuditDirectory) + host.DiagnosticLog, StringComparison.Ordinal);
    }

    [Fact]
    public void OAuthWithAnApiToken_IsRefusedAsAmbiguous()
    {
        var e = Assert.Throws<McpServers.Shared.Hosting.ConfigurationException>(() => JiraOptions.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Jira:BaseUrl"] = "https://x.atlassian.net",
                ["Jira:Projects"] = "OPS",
                ["Jira:ApiToken"] = "t",
                ["Jira:Email"] = "a@b.c",
                ["Jira:OAuth:ClientId"] = "c",
                ["Jira:OAuth:AuthorizationEndpoint"] = "https://auth.example/authorize",
                ["Jira:OAuth:TokenEndpoint"] = "https://auth.example/token",
            }).Build()));

        Assert.Contains("Jira:OAuth:ClientId is set", e.Message, StringComparison.Ordinal);
    }
}
