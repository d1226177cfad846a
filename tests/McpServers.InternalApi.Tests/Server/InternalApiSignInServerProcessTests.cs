using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.InternalApi.Tests.Service;
using McpServers.Testing.Hosting;
using McpServers.Testing.OAuth;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>
/// <c>mcp-internal-api login</c> (browser and device code) and OAuth client credentials as the shipped executable
/// runs them, against the loopback authorization server; then serving after a token refresh, with a service that
/// echoes the token back: no token, access or refresh, reaches stdout, stderr, the audit log or a result.
/// </summary>
public sealed class InternalApiSignInServerProcessTests : IAsyncLifetime
{
    private const string ClientSecret = "CANARY-client-secret-8830";
    private readonly string _folder = Directory.CreateTempSubdirectory("mcp-internal-api-sign-in-").FullName;
    private FakeAuthorizationServer _auth = null!;
    private InventoryService _service = null!;

    private static string Exe => ServerExecutable.Resolve("mcp-internal-api");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string TokenFile => Path.Combine(_folder, "tokens", "internal-api.json");

    public async ValueTask InitializeAsync()
    {
        _auth = await FakeAuthorizationServer.StartAsync(Ct);
        _auth.ClientSecret = ClientSecret;
        _auth.TokenPrefix = "CANARY-";
        // Shorter than the minute before expiry at which a token is renewed: the serving process refreshes first.
        _auth.ExpiresInSeconds = 30;
        _service = await InventoryService.StartAsync();
        _service.AcceptedTokenPrefix = "CANARY-at-";
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _auth.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    // A verb (login, whoami) comes first.
    private string[] Arguments(params string[] first) => [.. first, "--openapi", InventoryService.DocumentFile, "--base-url", _service.ApiBase];

    private Dictionary<string, string?> UserSignIn() => new()
    {
        ["MCP_INTERNAL_API__Auth__Mode"] = "OAuth",
        ["MCP_INTERNAL_API__Auth__OAuth__ClientId"] = FakeAuthorizationServer.ClientId,
        ["MCP_INTERNAL_API__Auth__OAuth__ClientSecret"] = ClientSecret,
        ["MCP_INTERNAL_API__Auth__OAuth__AuthorizationEndpoint"] = _auth.AuthorizationEndpoint.ToString(),
        ["MCP_INTERNAL_API__Auth__OAuth__TokenEndpoint"] = _auth.TokenEndpoint.ToString(),
        ["MCP_INTERNAL_API__Auth__OAuth__DeviceAuthorizationEndpoint"] = _auth.DeviceAuthorizationEndpoint.ToString(),
        ["MCP_INTERNAL_API__Auth__OAuth__Scopes"] = "inventory.read offline_access",
        ["MCP_INTERNAL_API__Auth__OAuth__TokenFile"] = TokenFile,
    };

    [Fact]
    public async Task Login_InTheBrowser_ThenServeAfterARefresh_NeverShowsATokenAnywhere()
    {
        string loginOutput = await SignInProcess.LoginInBrowserAsync(Exe, Arguments("login", "--no-browser"), UserSignIn(), Ct);

        Assert.Contains("Signed in to internal API", loginOutput, StringComparison.Ordinal);
        Assert.Contains("scope=inventory.read", _auth.Requests.Single(r => r.Path == "/authorize").RawQuery.Replace("%20", "+", StringComparison.Ordinal), StringComparison.Ordinal);
        string printed = loginOutput + await ServeAsync(UserSignIn());

        // The refresh rotated the refresh token; the one login stored is refused from now on.
        Assert.Equal(1, _auth.Rotations);
        Assert.Equal("CANARY-rt-2", _auth.CurrentRefreshToken);
        AssertNoToken(printed);
    }

    [Fact]
    public async Task Login_WithADeviceCode_ThenServeAfterARefresh_NeverShowsATokenAnywhere()
    {
        string loginOutput = await SignInProcess.LoginWithDeviceCodeAsync(Exe, Arguments("login", "--device-code"), UserSignIn(), _auth);

        string printed = loginOutput + await ServeAsync(UserSignIn());

        Assert.Equal(1, _auth.Rotations);
        AssertNoToken(printed);
    }

    [Fact]
    public async Task ClientCredentials_RenewedAfterTheServiceRefusedTheToken_NeverShowsATokenAnywhere()
    {
        // The service has revoked the first token: the credential drops it and fetches another for the same call.
        _service.RefusedToken = "CANARY-at-1";
        var environment = new Dictionary<string, string?>
        {
            ["MCP_INTERNAL_API__Auth__Mode"] = "ClientCredentials",
            ["MCP_INTERNAL_API__Auth__TokenUrl"] = _auth.TokenEndpoint.ToString(),
            ["MCP_INTERNAL_API__Auth__ClientId"] = FakeAuthorizationServer.ClientId,
            ["MCP_INTERNAL_API__Auth__ClientSecret"] = ClientSecret,
        };

        string printed = await ServeAsync(environment);

        Assert.Equal(["CANARY-at-1", "CANARY-at-2"], _auth.IssuedTokens);
        AssertNoToken(printed);
    }

    [Fact]
    public async Task WhoAmI_WithoutASignIn_SaysHowToSignIn()
    {
        var (exit, stdout, stderr) = await StdioMcpProcess.RunOnceAsync(Exe, Arguments("whoami"), UserSignIn(), Ct);

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Contains("run `mcp-internal-api login`", stderr, StringComparison.Ordinal);
    }

    /// <summary>Calls the secured operation twice; returns everything printed and the results.</summary>
    private async Task<string> ServeAsync(Dictionary<string, string?> environment)
    {
        string audit = Path.Combine(_folder, "audit");
        await using var server = StdioMcpProcess.Start(Exe, Arguments("--audit-log", Path.Combine(audit, "audit-.jsonl"), "--set", "Logging:Level=Debug"), environment);
        await server.InitializeAsync();
        JsonElement first = await server.CallToolAsync("api_get_secure", new JsonObject());
        JsonElement second = await server.CallToolAsync("api_get_secure", new JsonObject());

        foreach (JsonElement call in new[] { first, second })
        {
            JsonElement result = call.GetProperty("result");
            Assert.False(result.TryGetProperty("isError", out JsonElement e) && e.GetBoolean(), call.GetRawText());
            // The service echoed the token: the result shows it masked.
            Assert.Equal("Bearer ***", result.GetProperty("structuredContent").GetProperty("body").GetProperty("you_sent").GetString());
        }

        Assert.Equal(0, await server.CloseAndWaitAsync());
        server.AssertStdoutIsOnlyJsonRpc();
        return string.Join('\n', server.StdoutLines) + server.Stderr + AuditFiles.RawText(audit) + first.GetRawText() + second.GetRawText();
    }

    private void AssertNoToken(string printed) => SignInProcess.AssertNoToken(_auth, printed);
}
