using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpServers.InternalApi.Tests.Service;
using McpServers.Testing.Hosting;
using McpServers.Testing.OAuth;
using McpServers.Testing.Redis;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>
/// mcp-internal-api as a service with per-user backend sign-in (<c>Service:BackendIdentity=PerUser</c>): two replicas
/// behind one public address, sharing Redis. A caller who has not linked an account is given a single-use address;
/// the browser flow (authorization code + PKCE against the loopback authorization server) may start on one replica and
/// finish on the other; afterwards the caller's calls carry their own token on either replica, another caller gets
/// none of it, and Redis holds the sign-in only encrypted.
/// </summary>
public sealed class InternalApiPerUserHttpTests : IAsyncLifetime
{
    private const string Alice = "mcpk_alice_0123456789abcdef";
    private const string Bob = "mcpk_bob_0123456789abcdef";
    private const string ClientSecret = "CANARY-client-secret-4471";
    // What clients reach (a load balancer in front of both replicas); links and the OAuth redirect use it.
    private const string PublicAddress = "http://127.0.0.1:1";
    private static readonly HttpClient Browser = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly RedisServer _redis = new();
    private FakeAuthorizationServer _auth = null!;
    private InventoryService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        _auth = await FakeAuthorizationServer.StartAsync(Ct);
        _auth.ClientSecret = ClientSecret;
        _auth.TokenPrefix = "CANARY-";
        _service = await InventoryService.StartAsync();
        _service.AcceptedTokenPrefix = "CANARY-at-";
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _auth.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private static string Text(JsonElement result) => HttpMcpServer.Text(result);

    private static bool IsError(JsonElement result) => HttpMcpServer.IsError(result);

    private static Uri On(HttpMcpServer replica, Uri address) => AccountLinkBrowser.On(replica, address);

    private Task<HttpMcpServer> StartReplicaAsync(string encryptionKey) => HttpMcpServer.StartAsync(ServerExecutable.Resolve("mcp-internal-api"),
    [
        "--openapi", InventoryService.DocumentFile, "--base-url", _service.ApiBase,
        "--set", "Service:BackendIdentity=PerUser", "--set", $"Service:Resource={PublicAddress}/mcp",
        .. HttpMcpServer.ApiKey("alice", Alice, "mcp:read"),
        .. HttpMcpServer.ApiKey("bob", Bob, "mcp:read"),
    ], new Dictionary<string, string?>
    {
        ["MCP_INTERNAL_API__Auth__Mode"] = "OAuth",
        ["MCP_INTERNAL_API__Auth__OAuth__ClientId"] = FakeAuthorizationServer.ClientId,
        ["MCP_INTERNAL_API__Auth__OAuth__ClientSecret"] = ClientSecret,
        ["MCP_INTERNAL_API__Auth__OAuth__AuthorizationEndpoint"] = _auth.AuthorizationEndpoint.ToString(),
        ["MCP_INTERNAL_API__Auth__OAuth__TokenEndpoint"] = _auth.TokenEndpoint.ToString(),
        ["MCP_INTERNAL_API__Auth__OAuth__Scopes"] = "inventory.read offline_access",
        ["MCP_INTERNAL_API__Service__RedisConnectionString"] = _redis.ConnectionString,
        ["MCP_INTERNAL_API__Service__SignInEncryptionKey"] = encryptionKey,
    });

    [Fact]
    public async Task EachCallerLinksTheirOwnAccount_OnAnyReplica_AndNoCallerGetsAnothersToken()
    {
        _redis.RequireAvailable();
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using HttpMcpServer a = await StartReplicaAsync(key);
        await using HttpMcpServer b = await StartReplicaAsync(key);
        Assert.Contains("each caller's own backend sign-in", a.Stderr, StringComparison.Ordinal);
        // Ready without any caller's account: the backend is checked on each caller's own calls.
        string ready = await a.GetAsync("/readyz", Ct);
        Assert.Contains("ok backend (per-user sign-in", ready, StringComparison.Ordinal);
        Assert.EndsWith("ready\n", ready, StringComparison.Ordinal);

        // Alice has not linked an account: she is told where to, and nothing reaches the service.
        JsonElement unlinked = await a.CallToolAsync(Alice, "api_get_secure", cancellationToken: Ct);
        Assert.True(IsError(unlinked), unlinked.GetRawText());
        Uri link = AccountLinkBrowser.FindLink(Text(unlinked)) ?? throw new InvalidOperationException("No link in: " + Text(unlinked));
        Assert.Equal(PublicAddress + "/signin/internal-api", link.GetLeftPart(UriPartial.Path));
        Assert.Empty(_service.Calls);

        // Her browser opens the link on replica B, signs in at the authorization server, and comes back to replica A.
        using HttpResponseMessage start = await Browser.GetAsync(On(b, link), Ct);
        Assert.Equal(HttpStatusCode.Found, start.StatusCode);
        Uri authorize = start.Headers.Location!;
        Assert.StartsWith(_auth.AuthorizationEndpoint.ToString(), authorize.ToString(), StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", authorize.Query, StringComparison.Ordinal);
        Assert.Contains("redirect_uri=" + Uri.EscapeDataString(PublicAddress + "/signin/callback"), authorize.Query, StringComparison.Ordinal);
        using HttpResponseMessage approved = await Browser.GetAsync(authorize, Ct);
        using HttpResponseMessage linked = await Browser.GetAsync(On(a, approved.Headers.Location!), Ct);
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.Contains("linked to api-key:alice", await linked.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("no-store", linked.Headers.CacheControl?.ToString());

        // Her calls now carry her own token, on either replica.
        JsonElement onB = await b.CallToolAsync(Alice, "api_get_secure", cancellationToken: Ct);
        JsonElement onA = await a.CallToolAsync(Alice, "api_get_secure", cancellationToken: Ct);
        Assert.False(IsError(onB), onB.GetRawText());
        Assert.False(IsError(onA), onA.GetRawText());
        string aliceToken = _auth.IssuedTokens.First(t => t.StartsWith("CANARY-at-", StringComparison.Ordinal));
        Assert.All(_service.Calls, call => Assert.Equal("Bearer " + aliceToken, call.Header("Authorization")));
        Assert.Equal(2, _service.Calls.Count);

        // Bob has linked nothing: he is asked to link his own account and never gets Alice's.
        JsonElement bob = await b.CallToolAsync(Bob, "api_get_secure", cancellationToken: Ct);
        Assert.True(IsError(bob), bob.GetRawText());
        Uri bobsLink = AccountLinkBrowser.FindLink(Text(bob)) ?? throw new InvalidOperationException("No link in: " + Text(bob));
        Assert.Equal(2, _service.Calls.Count);

        // Bob declines at the authorization server: nothing is stored, the refusal is audited, he is asked again.
        using HttpResponseMessage bobStarts = await Browser.GetAsync(On(a, bobsLink), Ct);
        string state = System.Web.HttpUtility.ParseQueryString(bobStarts.Headers.Location!.Query)["state"]!;
        using HttpResponseMessage declined = await Browser.GetAsync(
            On(b, new Uri($"{PublicAddress}/signin/callback?error=access_denied&error_description=CLICK+evil.example&state={Uri.EscapeDataString(state)}")), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, declined.StatusCode);
        string declinedText = await declined.Content.ReadAsStringAsync(Ct);
        Assert.Contains("not completed (access_denied)", declinedText, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", declinedText, StringComparison.Ordinal);
        Assert.True(IsError(await b.CallToolAsync(Bob, "api_get_secure", cancellationToken: Ct)));
        Assert.Equal(2, _service.Calls.Count);

        // A link works once.
        using HttpResponseMessage again = await Browser.GetAsync(On(a, link), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);

        // At rest, Redis holds one sign-in, encrypted: no token in it.
        IReadOnlyDictionary<string, string> stored = await _redis.StringValuesAsync("mcp:mcp-internal-api:signin:*", Ct);
        string sealedSignIn = Assert.Single(stored).Value;
        Assert.DoesNotContain("CANARY", Encoding.UTF8.GetString(Convert.FromBase64String(sealedSignIn)), StringComparison.Ordinal);

        // The audit lines say whose credential reached the service, and the linking is audited.
        JsonElement[] lines = [.. a.AuditLines(), .. b.AuditLines()];
        JsonElement aliceCall = lines.First(l => l.GetProperty("tool").GetString() == "api_get_secure" && l.GetProperty("outcome").GetString() == "ok");
        Assert.Equal("per-user", aliceCall.GetProperty("principal").GetProperty("backend_credential").GetString());
        Assert.Equal("api-key:alice (own linked account)", aliceCall.GetProperty("principal").GetProperty("backend").GetString());
        Assert.Contains(lines, l => l.GetProperty("reason").GetString() == "linked the caller's own internal API account"
            && l.GetProperty("principal").GetProperty("subject").GetString() == "api-key:alice");
        Assert.Contains(lines, l => l.GetProperty("reason").GetString() == "account linking for internal API not completed (access_denied)"
            && l.GetProperty("outcome").GetString() == "denied" && l.GetProperty("principal").GetProperty("subject").GetString() == "api-key:bob");
        SignInProcess.AssertNoToken(_auth, a.Stderr + b.Stderr + unlinked.GetRawText() + onA.GetRawText() + onB.GetRawText() + bob.GetRawText());
    }

    [Fact]
    public async Task PerUserWithRedis_WithoutAnEncryptionKey_RefusesToStart()
    {
        _redis.RequireAvailable();
        var (code, _, stderr) = await StdioMcpProcess.RunOnceAsync(ServerExecutable.Resolve("mcp-internal-api"),
            ["--http", "http://127.0.0.1:0", "--openapi", InventoryService.DocumentFile, "--base-url", _service.ApiBase, "--set", "Service:BackendIdentity=PerUser",
             .. HttpMcpServer.ApiKey("alice", Alice, "mcp:read")],
            new Dictionary<string, string?> { ["MCP_INTERNAL_API__Service__RedisConnectionString"] = _redis.ConnectionString }, Ct);

        Assert.Equal(2, code);
        Assert.Contains("needs Service:SignInEncryptionKey", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PerUser_WithAnotherKindOfBackendCredential_RefusesToStart()
    {
        var (code, _, stderr) = await StdioMcpProcess.RunOnceAsync(ServerExecutable.Resolve("mcp-internal-api"),
            ["--http", "http://127.0.0.1:0", "--openapi", InventoryService.DocumentFile, "--base-url", _service.ApiBase, "--set", "Service:BackendIdentity=PerUser",
             "--set", "Auth:Mode=Bearer", .. HttpMcpServer.ApiKey("alice", Alice, "mcp:read")],
            new Dictionary<string, string?> { ["MCP_INTERNAL_API__Auth__BearerToken"] = InventoryService.BearerToken }, Ct);

        Assert.Equal(2, code);
        Assert.Contains("Service:BackendIdentity=PerUser needs the internal API OAuth user sign-in", stderr, StringComparison.Ordinal);
    }
}
