using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;
using McpServers.Testing.Http;
using McpServers.Testing.OAuth.Oidc;
using McpServers.Testing.Redis;
using McpServers.Testing.TypeScriptClient;
using Microsoft.AspNetCore.Builder;

namespace McpServers.Shared.Tests.Service;

/// <summary>
/// HTTP mode (<c>--http</c>) of the shared host, on the test server as a real process: mandatory authentication with
/// JWTs from a real authorization server (oidc-provider) and API keys, scopes enforced at call time, the caller in
/// every audit line, and state shared by two replicas through a real Redis.
/// </summary>
public sealed class HttpServiceTests(OidcProviderServer oidc, RedisServer redis)
{
    private static readonly string Exe = ServerExecutable.Resolve("mcp-testserver");
    private const string ReadKey = "mcpk_read_0123456789abcdef";
    private const string WriteKey = "mcpk_write_0123456789abcdef";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] ApiKey(string name, string key, string scopes, string expires = "2099-01-01") => HttpMcpServer.ApiKey(name, key, scopes, expires);

    private Task<HttpMcpServer> StartWithIssuerAsync(params string[] more)
    {
        oidc.RequireAvailable();
        return HttpMcpServer.StartAsync(Exe, ["--set", $"Service:Issuer={oidc.Issuer}", "--set", "Service:ClockSkew=00:00:00", .. more]);
    }

    private static string Text(JsonElement result) => HttpMcpServer.Text(result);

    private static bool IsError(JsonElement result) => HttpMcpServer.IsError(result);

    [Fact]
    public async Task NoAuthenticationConfigured_RefusesToStart()
    {
        var (code, _, stderr) = await StdioMcpProcess.RunOnceAsync(Exe, ["--http", "http://127.0.0.1:0"], null, Ct);

        Assert.Equal(2, code);
        Assert.Contains("HTTP mode needs authentication", stderr, StringComparison.Ordinal);
        Assert.Contains("Service:Issuer", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackendCredentialNotSaid_RefusesToStart_NamingTheSetting()
    {
        var (code, _, stderr) = await StdioMcpProcess.RunOnceAsync(Exe, ["--http", "http://127.0.0.1:0", .. ApiKey("reader", ReadKey, "mcp:read")], null, Ct);

        Assert.Equal(2, code);
        Assert.Contains("Service:BackendIdentity must say whose credential reaches the backend", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PerUserBackendCredential_OnAServerWithoutPerUserSignIn_RefusesToStart()
    {
        var (code, _, stderr) = await StdioMcpProcess.RunOnceAsync(Exe,
            ["--http", "http://127.0.0.1:0", "--set", "Service:BackendIdentity=PerUser", .. ApiKey("reader", ReadKey, "mcp:read")], null, Ct);

        Assert.Equal(2, code);
        Assert.Contains("cannot yet call its backend with each caller's own sign-in", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoToken_Gets401WithTheProtectedResourceChallenge_AndAnAuditLine()
    {
        await using HttpMcpServer server = await StartWithIssuerAsync();

        using HttpResponseMessage response = await server.PostAsync(null, """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        string challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer", challenge, StringComparison.Ordinal);
        Assert.Contains("resource_metadata=", challenge, StringComparison.Ordinal);
        string metadataUrl = challenge[(challenge.IndexOf("resource_metadata=\"", StringComparison.Ordinal) + 19)..].TrimEnd('"');
        using JsonDocument metadata = JsonDocument.Parse(await server.GetAsync(new Uri(metadataUrl).AbsolutePath, Ct));
        Assert.Equal(server.Endpoint.ToString(), metadata.RootElement.GetProperty("resource").GetString());
        Assert.Equal(oidc.Issuer, metadata.RootElement.GetProperty("authorization_servers")[0].GetString());
        Assert.Contains(server.AuditLines(), a => a.GetProperty("outcome").GetString() == "denied"
            && a.GetProperty("reason").GetString() == "not authenticated: no credentials");
    }

    [Fact]
    public async Task TokenFromTheTrustedIssuerForThisResource_CallsATool_AndTheAuditLineNamesTheCallerAndClient()
    {
        await using HttpMcpServer server = await StartWithIssuerAsync();
        string token = await oidc.IssueTokenAsync(server.Endpoint.ToString(), "mcp:read");

        await server.InitializeAsync(token, "audit-check-client", Ct);
        JsonElement result = await server.CallToolAsync(token, "test_echo", new JsonObject { ["message"] = "over http" }, Ct);

        Assert.False(IsError(result), Text(result));
        Assert.Equal("over http", Text(result));
        JsonElement audit = Assert.Single(server.AuditLines(), a => a.GetProperty("tool").GetString() == "test_echo");
        Assert.Equal("ok", audit.GetProperty("outcome").GetString());
        Assert.Equal(OidcProviderServer.ConfidentialClient, audit.GetProperty("principal").GetProperty("client_id").GetString());
        Assert.Equal(OidcProviderServer.ConfidentialClient, audit.GetProperty("principal").GetProperty("subject").GetString());
        Assert.Equal("oauth", audit.GetProperty("principal").GetProperty("auth").GetString());
        Assert.Equal("shared", audit.GetProperty("principal").GetProperty("backend_credential").GetString());
        Assert.Equal("audit-check-client", audit.GetProperty("client").GetProperty("name").GetString());
    }

    [Fact]
    public async Task ExpiredWrongAudienceWrongIssuerAndTamperedTokens_AreRefusedWith401AndAuditedWithTheReason()
    {
        await using HttpMcpServer server = await StartWithIssuerAsync();
        await using OidcProviderServer other = await OidcProviderServer.StartAsync();
        string good = await oidc.IssueTokenAsync(server.Endpoint.ToString());
        string expired = await oidc.IssueTokenAsync(server.Endpoint.ToString(), clientId: OidcProviderServer.ShortLivedClient);
        string wrongAudience = await oidc.IssueTokenAsync("http://127.0.0.1:1/mcp");
        string wrongIssuer = await other.IssueTokenAsync(server.Endpoint.ToString());
        string[] parts = good.Split('.');
        string tampered = parts[0] + "." + parts[1] + "." + (parts[2][0] == 'A' ? 'B' : 'A') + parts[2][1..];
        // The short-lived token lives one second and the server tolerates no skew (Service:ClockSkew=0): waiting
        // past its expiry is a fixed precondition, not a race.
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);

        foreach (string token in new[] { expired, wrongAudience, wrongIssuer, tampered })
        {
            using HttpResponseMessage response = await server.PostAsync(token, """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("resource_metadata=", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        string[] reasons = [.. server.AuditLines().Select(a => a.GetProperty("reason").GetString()!)];
        Assert.Contains("not authenticated: access token expired", reasons);
        Assert.Contains("not authenticated: access token is for another resource (audience)", reasons);
        Assert.Contains("not authenticated: access token from an issuer this server does not trust", reasons);
        Assert.Contains("not authenticated: access token signature does not verify", reasons);
        // And the genuine one still works.
        Assert.Equal("ok", Text(await server.CallToolAsync(good, "test_echo", new JsonObject { ["message"] = "ok" }, Ct)));
    }

    [Fact]
    public async Task ReadScope_NeitherSeesWriteTools_NorCallsThem_403InsufficientScope_WriteScopeDoes()
    {
        await using HttpMcpServer server = await StartWithIssuerAsync("--allow-writes");
        string read = await oidc.IssueTokenAsync(server.Endpoint.ToString(), "mcp:read");
        string write = await oidc.IssueTokenAsync(server.Endpoint.ToString(), "mcp:read mcp:write");

        string[] Names(JsonElement list) => [.. list.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];
        Assert.DoesNotContain("test_write_note", Names(await server.RequestAsync(read, "tools/list", null, Ct)));
        Assert.Contains("test_write_note", Names(await server.RequestAsync(write, "tools/list", null, Ct)));

        var note = new JsonObject { ["title"] = "t", ["body"] = "x", ["draft"] = true };
        string call = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 7, ["method"] = "tools/call", ["params"] = new JsonObject { ["name"] = "test_write_note", ["arguments"] = note.DeepClone() } }.ToJsonString();
        using (HttpResponseMessage refused = await server.PostAsync(read, call, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            string challenge = refused.Headers.WwwAuthenticate.ToString();
            Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
            Assert.Contains("scope=\"mcp:write\"", challenge, StringComparison.Ordinal);
        }

        Assert.Contains(server.AuditLines(), a => a.GetProperty("tool").GetString() == "test_write_note"
            && a.GetProperty("outcome").GetString() == "denied" && a.GetProperty("reason").GetString() == "missing scope mcp:write");
        // A read-only tool in the same shape of request goes through.
        Assert.Equal("r", Text(await server.CallToolAsync(read, "test_echo", new JsonObject { ["message"] = "r" }, Ct)));

        JsonElement allowed = await server.CallToolAsync(write, "test_write_note", (JsonObject)note.DeepClone(), Ct);
        Assert.False(IsError(allowed), Text(allowed));
    }

    [Fact]
    public async Task ApiKeys_SignInWithTheirOwnScopes_UnknownAndExpiredKeysAreRefused()
    {
        await using HttpMcpServer server = await HttpMcpServer.StartAsync(Exe,
            [.. ApiKey("reader", ReadKey, "mcp:read"), .. ApiKey("old", "mcpk_old_0123456789", "mcp:read", "2020-01-01")]);

        JsonElement ok = await server.CallToolAsync(ReadKey, "test_echo", new JsonObject { ["message"] = "key" }, Ct);
        Assert.Equal("key", Text(ok));
        JsonElement audit = Assert.Single(server.AuditLines(), a => a.GetProperty("tool").GetString() == "test_echo");
        Assert.Equal("api-key:reader", audit.GetProperty("principal").GetProperty("subject").GetString());
        Assert.Equal("api-key", audit.GetProperty("principal").GetProperty("auth").GetString());

        foreach (string key in new[] { "mcpk_unknown_0123456789", "mcpk_old_0123456789" })
        {
            using HttpResponseMessage response = await server.PostAsync(key, """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        string[] reasons = [.. server.AuditLines().Select(a => a.GetProperty("reason").GetString() ?? string.Empty)];
        Assert.Contains("not authenticated: unknown API key", reasons);
        Assert.Contains(reasons, r => r.StartsWith("not authenticated: API key 'old' expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ElicitationOnlyTool_IsRefusedOverStatelessHttp_SayingWhy()
    {
        await using HttpMcpServer server = await HttpMcpServer.StartAsync(Exe, ["--allow-writes", "--set", "SendNotes=true", .. ApiKey("writer", WriteKey, "mcp:write")]);

        JsonElement result = await server.CallToolAsync(WriteKey, "test_send_note", new JsonObject { ["to"] = "a@example.com", ["body"] = "hi" }, Ct);

        Assert.True(IsError(result));
        Assert.Contains("stateless HTTP service", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoReplicasSharingRedis_RedeemAConfirmationTokenOnceAcrossReplicas_AndShareRateLimits()
    {
        redis.RequireAvailable();
        var environment = new Dictionary<string, string?> { ["MCP_TESTSERVER__Service__RedisConnectionString"] = redis.ConnectionString };
        string[] arguments = ["--allow-writes", "--set", "RateLimits:Tools:test_sum=1", .. ApiKey("writer", WriteKey, "mcp:write")];
        await using HttpMcpServer a = await HttpMcpServer.StartAsync(Exe, arguments, environment);
        await using HttpMcpServer b = await HttpMcpServer.StartAsync(Exe, arguments, environment);
        Assert.Contains("state shared in Redis", a.Stderr, StringComparison.Ordinal);

        // A token issued by replica A works once on replica B, and is spent for A too.
        string title = "replicas-" + Guid.NewGuid().ToString("N")[..8];
        var note = new JsonObject { ["title"] = title, ["body"] = "shared" };
        JsonElement preview = await a.CallToolAsync(WriteKey, "test_write_note", note, Ct);
        string token = JsonDocument.Parse("\"" + Text(preview).Split("\"confirmation_token\": \"")[1].Split('"')[0] + "\"").RootElement.GetString()!;
        var confirmed = (JsonObject)note.DeepClone();
        confirmed["confirmation_token"] = token;
        JsonElement done = await b.CallToolAsync(WriteKey, "test_write_note", confirmed, Ct);
        Assert.False(IsError(done), Text(done));
        JsonElement again = await a.CallToolAsync(WriteKey, "test_write_note", (JsonObject)confirmed.DeepClone(), Ct);
        Assert.True(IsError(again));
        Assert.Contains("not valid for this call", Text(again), StringComparison.Ordinal);

        // One call a minute in all, whichever replica takes it (a bucket of one, refilled after a minute: the calls
        // below take milliseconds).
        var sum = new JsonObject { ["numbers"] = new JsonArray(1, 2) };
        var outcomes = new List<bool>();
        foreach (HttpMcpServer replica in new[] { a, b, a })
        {
            outcomes.Add(IsError(await replica.CallToolAsync(WriteKey, "test_sum", (JsonObject)sum.DeepClone(), Ct)));
        }

        Assert.Equal([false, true, true], outcomes);
    }

    [Fact]
    public async Task ConfirmationTokenInRedis_SurvivesARestartOfTheReplicaThatIssuedIt()
    {
        redis.RequireAvailable();
        var environment = new Dictionary<string, string?> { ["MCP_TESTSERVER__Service__RedisConnectionString"] = redis.ConnectionString };
        string[] arguments = ["--allow-writes", .. ApiKey("writer", WriteKey, "mcp:write")];
        var note = new JsonObject { ["title"] = "restart-" + Guid.NewGuid().ToString("N")[..8], ["body"] = "kept" };
        string token;
        await using (HttpMcpServer first = await HttpMcpServer.StartAsync(Exe, arguments, environment))
        {
            JsonElement preview = await first.CallToolAsync(WriteKey, "test_write_note", note, Ct);
            token = Text(preview).Split("\"confirmation_token\": \"")[1].Split('"')[0];
        }

        await using HttpMcpServer second = await HttpMcpServer.StartAsync(Exe, arguments, environment);
        var confirmed = (JsonObject)note.DeepClone();
        confirmed["confirmation_token"] = token;
        JsonElement done = await second.CallToolAsync(WriteKey, "test_write_note", confirmed, Ct);
        Assert.False(IsError(done), Text(done));
    }

    [Fact]
    public async Task HealthAndReadiness_AnswerWithoutCredentials_AndReadinessIncludesRedis()
    {
        redis.RequireAvailable();
        var environment = new Dictionary<string, string?> { ["MCP_TESTSERVER__Service__RedisConnectionString"] = redis.ConnectionString };
        await using HttpMcpServer server = await HttpMcpServer.StartAsync(Exe, ApiKey("reader", ReadKey, "mcp:read"), environment);

        Assert.Equal("ok", await server.GetAsync("/healthz", Ct));
        string ready = await server.GetAsync("/readyz", Ct);
        Assert.Contains("ok redis", ready, StringComparison.Ordinal);
        Assert.EndsWith("ready\n", ready, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_InHttpMode_SaysWhereStateLives()
    {
        string[] args = ["--check", "--http", "http://127.0.0.1:0", "--set", "Service:BackendIdentity=Shared",
            .. ApiKey("reader", ReadKey, "mcp:read", DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))];
        var (code, stdout, _) = await StdioMcpProcess.RunOnceAsync(Exe, args, null, Ct);

        Assert.Equal(0, code);
        Assert.Contains("shared state: in this process", stdout, StringComparison.Ordinal);
        Assert.Contains("backend identity: every caller reaches the backend with this server's one credential", stdout, StringComparison.Ordinal);
        Assert.Contains("warn  api key: 'reader' expires on", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtlpEndpoint_ReceivesTheCallsSpanAndMetrics_FlushedWhenTheServiceStops()
    {
        await using var collector = new LoopbackHttpServer();
        collector.Routes.MapPost("/v1/traces", () => Microsoft.AspNetCore.Http.Results.Ok());
        collector.Routes.MapPost("/v1/metrics", () => Microsoft.AspNetCore.Http.Results.Ok());
        await collector.StartAsync(Ct);
        HttpMcpServer server = await HttpMcpServer.StartAsync(Exe, ["--set", $"Service:OtlpEndpoint={collector.BaseAddress}", .. ApiKey("reader", ReadKey, "mcp:read")]);
        await using (server)
        {
            Assert.Equal("traced", Text(await server.CallToolAsync(ReadKey, "test_echo", new JsonObject { ["message"] = "traced" }, Ct)));
        }

        // Stopped with SIGTERM: the exporters flush on the way out, so nothing here waits on a timer.
        RecordedRequest traces = Assert.Single(collector.Requests, r => r.Path == "/v1/traces");
        Assert.Equal("application/x-protobuf", traces.Header("Content-Type"));
        Assert.Contains("tools/call test_echo", traces.Body, StringComparison.Ordinal);
        Assert.Contains(collector.Requests, r => r.Path == "/v1/metrics" && r.Body.Contains("mcp.tool.calls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IssuerKeyRotation_TokensSignedWithTheNewKeyAreAccepted()
    {
        OidcProviderServer first = await OidcProviderServer.StartAsync();
        first.RequireAvailable();
        int port = new Uri(first.Issuer).Port;
        await using HttpMcpServer server = await HttpMcpServer.StartAsync(Exe, ["--set", $"Service:Issuer={first.Issuer}"]);
        string before = await first.IssueTokenAsync(server.Endpoint.ToString());
        Assert.Equal("old key", Text(await server.CallToolAsync(before, "test_echo", new JsonObject { ["message"] = "old key" }, Ct)));
        await first.DisposeAsync();

        // The issuer comes back at its address with a new signing key (a new kid): the server fetches the keys again.
        await using OidcProviderServer second = await OidcProviderServer.StartAsync(port);
        second.RequireAvailable();
        string after = await second.IssueTokenAsync(server.Endpoint.ToString());
        // A token with an unknown key id makes the server fetch the issuer's keys again, in the background: the
        // request that revealed the new key may still be refused, and a retry (as clients do on 401) gets through.
        JsonElement? accepted = null;
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (accepted is null && !patience.IsCancellationRequested)
        {
            try
            {
                accepted = await server.CallToolAsync(after, "test_echo", new JsonObject { ["message"] = "new key" }, Ct);
            }
            catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Unauthorized)
            {
                await Task.Delay(100, Ct);
            }
        }

        Assert.NotNull(accepted);
        Assert.Equal("new key", Text(accepted.Value));
    }

    [Fact]
    public async Task RequestLimits_OversizedBodyGets413_AndACallerBeyondItsRequestsInFlightGets429()
    {
        await using HttpMcpServer server = await HttpMcpServer.StartAsync(Exe,
            ["--set", "Service:MaxRequestBytes=65536", "--set", "Service:MaxRequestsPerCaller=1", .. ApiKey("reader", ReadKey, "mcp:read")]);

        string big = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 1,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = "test_echo", ["arguments"] = new JsonObject { ["message"] = new string('x', 100_000) } }
        }.ToJsonString();
        using (HttpResponseMessage tooBig = await server.PostAsync(ReadKey, big, Ct))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        }

        // test_gate never opens in a process: the call stays in flight until this test cancels it. A poll that
        // arrives first takes the one slot and the gate call is refused instead: then it is sent again.
        using var held = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<HttpResponseMessage> HoldGate() =>
            server.PostAsync(ReadKey, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_gate","arguments":{}}}""", held.Token);
        Task<HttpResponseMessage> gate = HoldGate();
        HttpResponseMessage? busy = null;
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (busy is null && !patience.IsCancellationRequested)
        {
            if (gate.IsCompleted)
            {
                (await gate).Dispose();
                gate = HoldGate();
            }

            HttpResponseMessage answer = await server.PostAsync(ReadKey, """{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", Ct);
            if (answer.StatusCode == HttpStatusCode.TooManyRequests)
            {
                busy = answer;
            }
            else
            {
                answer.Dispose();
            }
        }

        using (busy)
        {
            Assert.NotNull(busy);
            Assert.Equal("1", busy.Headers.RetryAfter?.ToString());
        }

        await held.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate);
        Assert.Contains(server.AuditLines(), a => a.GetProperty("outcome").GetString() == "busy"
            && a.GetProperty("principal").GetProperty("subject").GetString() == "api-key:reader");
    }

    [Fact]
    public async Task TypeScriptSdkClient_ConnectsOverHttpWithAnAccessToken()
    {
        await using HttpMcpServer server = await StartWithIssuerAsync("--allow-writes");
        string token = await oidc.IssueTokenAsync(server.Endpoint.ToString(), "mcp:read mcp:write");

        var (client, connected) = await TypeScriptSdkClient.ConnectHttpAsync(server.Endpoint, token, Ct);
        await using (client)
        {
            Assert.True(connected.Ok, connected.ToString());
            SdkAnswer tools = await client.ListToolsAsync(Ct);
            Assert.True(tools.Ok, tools.ToString());
            SdkAnswer echo = await client.CallToolAsync("test_echo", new JsonObject { ["message"] = "from the TypeScript SDK" }, Ct);
            Assert.True(echo.Ok, echo.ToString());
            Assert.Equal("from the TypeScript SDK", echo.Text);

            // The confirmation round trip as the SDK sees it: a preview (isError, nothing done), then the confirmed call.
            var note = new JsonObject { ["title"] = "Over HTTP", ["body"] = "confirmed by token" };
            SdkAnswer preview = await client.CallToolAsync("test_write_note", note, Ct);
            Assert.True(preview.IsError, preview.ToString());
            var confirmed = (JsonObject)note.DeepClone();
            confirmed["confirmation_token"] = preview.Text.Split("\"confirmation_token\": \"")[1].Split('"')[0];
            SdkAnswer done = await client.CallToolAsync("test_write_note", confirmed, Ct);
            Assert.True(done.Ok && !done.IsError, done.ToString());
        }

        Assert.Contains(server.AuditLines(), a => a.GetProperty("tool").GetString() == "test_echo"
            && a.GetProperty("client").GetProperty("name").GetString() == "mcpservers-typescript-sdk-test");
    }
}
