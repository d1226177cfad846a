using McpServers.Shared.Credentials;
using McpServers.Testing.Hosting;
using McpServers.Testing.OAuth;
using McpServers.Ticketing.Options;
using McpServers.Ticketing.Tests.Fake;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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

    private async Task SignedInEarlierAsync(string refreshToken)
    {
        _auth.Accept(refreshToken);
        await new FileRefreshTokenStore(TokenFile, TimeProvider.System).WriteAsync(new SignInKey("Jira", Environment.UserName),
            new StoredSignIn { RefreshToken = refreshToken }, Ct);
    }

    private Dictionary<string, string?> ServerSettings(FakeJira jira) => new()
    {
        ["Jira:BaseUrl"] = jira.BaseAddress.ToString(),
        ["Jira:Flavor"] = "Cloud",
        ["Jira:Projects"] = "OPS",
        ["Jira:OAuth:ClientId"] = FakeAuthorizationServer.ClientId,
        ["Jira:OAuth:AuthorizationEndpoint"] = new Uri(_auth.BaseAddress, "authorize").ToString(),
        ["Jira:OAuth:TokenEndpoint"] = new Uri(_auth.BaseAddress, "token").ToString(),
        ["Jira:OAuth:TokenFile"] = TokenFile,
        ["Jira:SiteUrl"] = "https://site.example",
    };

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

        await SignedInEarlierAsync("rt-0");
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
    public async Task RevokedSignIn_ToolsTellTheUserToRunLogin()
    {
        await using FakeJira jira = await FakeJira.StartAsync(cloud: true, Ct);
        await SignedInEarlierAsync("rt-0");
        _auth.Revoked = true;
        await using var host = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), ServerSettings(jira));
        McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await client.CallToolAsync("jira_list_projects", cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("The Jira sign-in has expired or was revoked; run `mcp-ticketing login` to sign in again.",
            string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text)), StringComparison.Ordinal);
        Assert.Empty(jira.Requests);
    }

    [Fact]
    public async Task AccessTokenJiraRefuses_IsRenewedAndSentOnceMore_ThenTheUserIsAskedToSignInAgain()
    {
        await using FakeJira jira = await FakeJira.StartAsync(cloud: true, Ct);
        await SignedInEarlierAsync("rt-0");
        await using var host = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), ServerSettings(jira));
        McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        Assert.NotEqual(true, (await client.CallToolAsync("jira_list_projects", cancellationToken: Ct)).IsError);

        // The app's access was removed: at-1 is refused, so is the renewed at-2, and nothing more is tried.
        jira.RejectCredentials = true;
        CallToolResult refused = await client.CallToolAsync("jira_list_projects", cancellationToken: Ct);

        Assert.True(refused.IsError);
        Assert.Contains("run `mcp-ticketing login`", string.Join("\n", refused.Content.OfType<TextContentBlock>().Select(b => b.Text)), StringComparison.Ordinal);
        Assert.Equal(2, _auth.Rotations);
        Assert.Equal(["Bearer at-1", "Bearer at-2"], jira.Requests.Skip(jira.Requests.Count - 2).Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Login_OnAtlassianCloud_AsksForTheApiAudienceAndConsent_AndStoresTheSignIn()
    {
        await using FakeJira jira = await FakeJira.StartAsync(cloud: true, Ct);
        Dictionary<string, string?> settings = ServerSettings(jira);
        settings["Jira:OAuth:Audience"] = "api.atlassian.com";
        await using var host = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), settings);
        var output = new StringWriter();

        int exit = await SignInCommands.LoginAsync(host.Services.GetRequiredService<UserSignIn>(), output, async url =>
        {
            using var browser = new HttpClient();
            (await browser.GetAsync(url, Ct)).Dispose();
        }, Ct);

        Assert.Equal(0, exit);
        string authorize = _auth.Requests.Single(r => r.Path == "/authorize").RawQuery;
        Assert.Contains("audience=api.atlassian.com", authorize, StringComparison.Ordinal);
        Assert.Contains("prompt=consent", authorize, StringComparison.Ordinal);
        Assert.Contains("scope=read%3Ajira-work%20write%3Ajira-work%20read%3Ajira-user%20offline_access", authorize, StringComparison.Ordinal);
        Assert.Equal("rt-1", (await host.Services.GetRequiredService<UserSignIn>().ReadAsync(Ct))!.RefreshToken);
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
