using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;
using McpServers.Testing.OAuth;
using McpServers.Ticketing.Tests.Fake;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// mcp-ticketing as a service with per-user Jira sign-in (<c>Service:BackendIdentity=PerUser</c>, one replica, no
/// Redis: the sign-ins live in its memory). Two callers link their own Jira accounts; each call then reaches Jira with
/// the caller's own token, and the account Jira names for "me" is the caller's, never the other's.
/// </summary>
public sealed class TicketingPerUserHttpTests : IAsyncLifetime
{
    private const string Alice = "mcpk_alice_0123456789abcdef";
    private const string Bob = "mcpk_bob_0123456789abcdef";
    private FakeAuthorizationServer _auth = null!;
    private FakeJira _jira = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _auth = await FakeAuthorizationServer.StartAsync(Ct);
        _auth.TokenPrefix = "CANARY-";
        _jira = await FakeJira.StartAsync(cloud: false, Ct);
        _jira.AccountPerToken = true;
    }

    public async ValueTask DisposeAsync()
    {
        await _jira.DisposeAsync();
        await _auth.DisposeAsync();
    }

    private static string Text(JsonElement result) => HttpMcpServer.Text(result);

    private static bool IsError(JsonElement result) => HttpMcpServer.IsError(result);

    [Fact]
    public async Task TwoCallers_EachReachJiraAsTheirOwnAccount()
    {
        await using HttpMcpServer server = await HttpMcpServer.StartAsync(ServerExecutable.Resolve("mcp-ticketing"),
        [
            "--set", "Service:BackendIdentity=PerUser", "--set", "Service:Resource=http://127.0.0.1:1/mcp",
            .. HttpMcpServer.ApiKey("alice", Alice, "mcp:read"),
            .. HttpMcpServer.ApiKey("bob", Bob, "mcp:read"),
        ], new Dictionary<string, string?>
        {
            ["MCP_TICKETING__Jira__BaseUrl"] = _jira.BaseAddress.ToString(),
            ["MCP_TICKETING__Jira__Flavor"] = "DataCenter",
            ["MCP_TICKETING__Jira__Projects"] = "OPS",
            ["MCP_TICKETING__Jira__OAuth__ClientId"] = FakeAuthorizationServer.ClientId,
            ["MCP_TICKETING__Jira__OAuth__AuthorizationEndpoint"] = _auth.AuthorizationEndpoint.ToString(),
            ["MCP_TICKETING__Jira__OAuth__TokenEndpoint"] = _auth.TokenEndpoint.ToString(),
        });
        var issue = new JsonObject { ["issue_key"] = "OPS-1" };

        // Each caller is sent to link their own account, then links it.
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string caller in new[] { Alice, Bob })
        {
            JsonElement unlinked = await server.CallToolAsync(caller, "jira_get_issue", (JsonObject)issue.DeepClone(), Ct);
            Assert.True(IsError(unlinked), unlinked.GetRawText());
            Uri link = AccountLinkBrowser.FindLink(Text(unlinked)) ?? throw new InvalidOperationException("No link in: " + Text(unlinked));
            var (status, text) = await AccountLinkBrowser.LinkAsync(link, server, server, Ct);
            Assert.True(status == HttpStatusCode.OK, text);
            tokens[caller] = "Bearer " + _auth.IssuedTokens.Last(t => t.StartsWith("CANARY-at-", StringComparison.Ordinal));
        }

        Assert.NotEqual(tokens[Alice], tokens[Bob]);
        Assert.DoesNotContain(_jira.Requests, r => r.Header("Authorization") is null && r.Path.Contains("/issue/", StringComparison.Ordinal));

        // Alternating calls: every request Jira gets during a caller's call carries that caller's token, and "myself"
        // is asked once per caller, with the caller's own token.
        foreach (string caller in new[] { Alice, Bob, Alice, Bob })
        {
            int before = _jira.Requests.Count;
            JsonElement result = await server.CallToolAsync(caller, "jira_get_issue", (JsonObject)issue.DeepClone(), Ct);
            Assert.False(IsError(result), result.GetRawText());
            Assert.All(_jira.Requests.Skip(before), r => Assert.Equal(tokens[caller], r.Header("Authorization")));
        }

        string[] myself = [.. _jira.Requests.Where(r => r.Path.EndsWith("/myself", StringComparison.Ordinal)).Select(r => r.Header("Authorization")!)];
        Assert.Equal(new[] { tokens[Alice], tokens[Bob] }.Order(StringComparer.Ordinal), myself.Order(StringComparer.Ordinal));

        JsonElement[] calls = [.. server.AuditLines().Where(l => l.GetProperty("tool").GetString() == "jira_get_issue" && l.GetProperty("outcome").GetString() == "ok")];
        Assert.Equal(4, calls.Length);
        Assert.All(calls, l => Assert.EndsWith("(own linked account)", l.GetProperty("principal").GetProperty("backend").GetString(), StringComparison.Ordinal));
        SignInProcess.AssertNoToken(_auth, server.Stderr);
    }
}
