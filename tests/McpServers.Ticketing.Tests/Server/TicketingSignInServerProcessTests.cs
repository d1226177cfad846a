using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;
using McpServers.Testing.OAuth;
using McpServers.Ticketing.Tests.Fake;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// <c>mcp-ticketing login</c> (browser and device code), <c>whoami</c> and <c>logout</c> as the shipped executable
/// runs them, against the loopback authorization server; then serving as the signed-in user after a refresh, with a
/// Jira that echoes the access token back: no token, access or refresh, reaches stdout, stderr, the audit log or a result.
/// </summary>
public sealed class TicketingSignInServerProcessTests : IAsyncLifetime
{
    private const string ClientSecret = "CANARY-client-secret-5521";
    private readonly string _folder = Directory.CreateTempSubdirectory("mcp-ticketing-sign-in-").FullName;
    private FakeAuthorizationServer _auth = null!;
    private FakeJira _jira = null!;

    private static string Exe => ServerExecutable.Resolve("mcp-ticketing");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string TokenFile => Path.Combine(_folder, "tokens", "jira.json");

    public async ValueTask InitializeAsync()
    {
        _auth = await FakeAuthorizationServer.StartAsync(Ct);
        _auth.ClientSecret = ClientSecret;
        _auth.TokenPrefix = "CANARY-";
        // Shorter than the minute before expiry at which a token is renewed: the serving process refreshes first.
        _auth.ExpiresInSeconds = 30;
        _jira = await FakeJira.StartAsync(cloud: true, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _jira.DisposeAsync();
        await _auth.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private Dictionary<string, string?> Environment() => new()
    {
        ["JIRA_URL"] = _jira.BaseAddress.ToString(),
        ["JIRA_PROJECTS"] = "OPS",
        ["MCP_TICKETING__Jira__Flavor"] = "Cloud",
        ["MCP_TICKETING__Jira__OAuth__ClientId"] = FakeAuthorizationServer.ClientId,
        ["MCP_TICKETING__Jira__OAuth__ClientSecret"] = ClientSecret,
        ["MCP_TICKETING__Jira__OAuth__AuthorizationEndpoint"] = _auth.AuthorizationEndpoint.ToString(),
        ["MCP_TICKETING__Jira__OAuth__TokenEndpoint"] = _auth.TokenEndpoint.ToString(),
        ["MCP_TICKETING__Jira__OAuth__DeviceAuthorizationEndpoint"] = _auth.DeviceAuthorizationEndpoint.ToString(),
        ["MCP_TICKETING__Jira__OAuth__RevocationEndpoint"] = _auth.RevocationEndpoint.ToString(),
        ["MCP_TICKETING__Jira__OAuth__TokenFile"] = TokenFile,
    };

    [Fact]
    public async Task Login_InTheBrowser_ThenServe_WhoAmI_AndLogout_NeverShowATokenAnywhere()
    {
        string loginOutput = await SignInProcess.LoginInBrowserAsync(Exe, ["login", "--no-browser"], Environment(), Ct);

        Assert.Contains("Signed in to Jira", loginOutput, StringComparison.Ordinal);
        string printed = loginOutput + await ServeAsUserAsync();
        Assert.Equal(1, _auth.Rotations);

        var (whoExit, whoStdout, whoStderr) = await StdioMcpProcess.RunOnceAsync(Exe, ["whoami"], Environment(), Ct);
        Assert.Equal(0, whoExit);
        Assert.Empty(whoStdout);
        Assert.Contains("Signed in to Jira as ", whoStderr, StringComparison.Ordinal);
        Assert.Contains("Access token valid until ", whoStderr, StringComparison.Ordinal);
        Assert.Contains("Scopes: read write offline_access", whoStderr, StringComparison.Ordinal);

        var (outExit, _, outStderr) = await StdioMcpProcess.RunOnceAsync(Exe, ["logout"], Environment(), Ct);
        Assert.Equal(0, outExit);
        Assert.False(File.Exists(TokenFile));
        Assert.Equal([_auth.CurrentRefreshToken!], _auth.RevokedTokens);

        var (againExit, _, againStderr) = await StdioMcpProcess.RunOnceAsync(Exe, ["whoami"], Environment(), Ct);
        Assert.Equal(1, againExit);
        Assert.Contains("run `mcp-ticketing login`", againStderr, StringComparison.Ordinal);

        AssertNoToken(printed + whoStderr + outStderr + againStderr);
    }

    [Fact]
    public async Task Login_WithADeviceCode_ThenServe_NeverShowsATokenAnywhere()
    {
        string loginOutput = await SignInProcess.LoginWithDeviceCodeAsync(Exe, ["login", "--device-code"], Environment(), _auth);

        Assert.Contains("Signed in to Jira", loginOutput, StringComparison.Ordinal);
        string printed = loginOutput + await ServeAsUserAsync();

        Assert.Equal(1, _auth.Rotations);
        AssertNoToken(printed);
    }

    /// <summary>
    /// Jira Cloud with an OAuth (3LO) app: JIRA_URL is the site people know; the server finds the site's cloudId in
    /// Atlassian's accessible-resources and calls the API gateway with it. Nobody builds the gateway URL by hand.
    /// </summary>
    [Fact]
    public async Task Login_OnJiraCloud_DiscoversTheSitesCloudId_AndCallsTheApiGateway_WithBrowseLinksToTheSite()
    {
        Dictionary<string, string?> environment = Environment();
        environment["JIRA_URL"] = FakeJira.CloudSite;
        environment["MCP_TICKETING__Jira__OAuth__Audience"] = "api.atlassian.com";
        environment["MCP_TICKETING__Jira__CloudApiUrl"] = _jira.BaseAddress.ToString();
        await SignInProcess.LoginWithDeviceCodeAsync(Exe, ["login", "--device-code"], environment, _auth);

        await using var server = StdioMcpProcess.Start(Exe, [], environment);
        await server.InitializeAsync();
        JsonElement issue = await server.CallToolAsync("jira_get_issue", new JsonObject { ["issue_key"] = "OPS-1" });
        Assert.Equal(0, await server.CloseAndWaitAsync());
        environment["JIRA_URL"] = "https://elsewhere.atlassian.net/";
        await using var other = StdioMcpProcess.Start(Exe, [], environment);
        await other.InitializeAsync();
        JsonElement refused = await other.CallToolAsync("jira_get_issue", new JsonObject { ["issue_key"] = "OPS-1" });
        Assert.Equal(0, await other.CloseAndWaitAsync());

        JsonElement result = issue.GetProperty("result");
        Assert.False(result.TryGetProperty("isError", out JsonElement e) && e.GetBoolean(), issue.GetRawText());
        Assert.Equal(FakeJira.CloudSite + "/browse/OPS-1", result.GetProperty("structuredContent").GetProperty("url").GetString());
        Assert.Contains(_jira.Requests, r => r.Path == "/oauth/token/accessible-resources");
        Assert.Contains(_jira.Requests, r => r.Path == $"/ex/jira/{FakeJira.CloudId}/rest/api/3/issue/OPS-1");
        Assert.DoesNotContain(_jira.Requests, r => r.Path.StartsWith("/rest/", StringComparison.Ordinal));
        string text = refused.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.Contains("cannot reach https://elsewhere.atlassian.net", text, StringComparison.Ordinal);
        Assert.Contains("https://acme.atlassian.net, https://other.atlassian.net", text, StringComparison.Ordinal);
        Assert.Contains("JIRA_URL", text, StringComparison.Ordinal);
        AssertNoToken(issue.GetRawText() + refused.GetRawText() + server.Stderr + other.Stderr);
    }

    [Fact]
    public async Task Help_ListsTheSignInVerbs()
    {
        var (exit, stdout, _) = await StdioMcpProcess.RunOnceAsync(Exe, ["--help"], cancellationToken: Ct);

        Assert.Equal(0, exit);
        Assert.Contains("mcp-ticketing login|logout|whoami", stdout, StringComparison.Ordinal);
        Assert.Contains("--device-code", stdout, StringComparison.Ordinal);
    }

    /// <summary>Serves two calls as the signed-in user (refreshing first); returns everything printed and the results.</summary>
    private async Task<string> ServeAsUserAsync()
    {
        string audit = Path.Combine(_folder, "audit");
        await using var server = StdioMcpProcess.Start(Exe, ["--audit-log", Path.Combine(audit, "audit-.jsonl"), "--set", "Logging:Level=Debug"], Environment());
        await server.InitializeAsync();
        JsonElement projects = await server.CallToolAsync("jira_list_projects", new JsonObject());
        _jira.EchoAuthorization = true;
        JsonElement echoed = await server.CallToolAsync("jira_search_issues", new JsonObject { ["text"] = "checkout" });

        Assert.False(projects.GetProperty("result").TryGetProperty("isError", out JsonElement e) && e.GetBoolean(), projects.GetRawText());
        string echo = echoed.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.Contains("Token not valid for this search: Bearer ***", echo, StringComparison.Ordinal);
        Assert.All(_jira.Requests, r => Assert.StartsWith("Bearer CANARY-at-", r.Header("Authorization"), StringComparison.Ordinal));
        Assert.Equal(0, await server.CloseAndWaitAsync());
        server.AssertStdoutIsOnlyJsonRpc();
        return string.Join('\n', server.StdoutLines) + server.Stderr + AuditFiles.RawText(audit) + projects.GetRawText() + echoed.GetRawText();
    }

    private void AssertNoToken(string printed) => SignInProcess.AssertNoToken(_auth, printed);
}
