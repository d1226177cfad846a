using System.Security.Claims;
using McpServers.Shared.Pipeline;

namespace McpServers.Shared.Tests.Service;

/// <summary>How an authenticated HTTP caller's claims become the subject, client and scopes the pipeline checks.</summary>
public sealed class CallerTests
{
    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));

    [Fact]
    public void From_NoUserOrAnonymous_IsNull()
    {
        Assert.Null(Caller.From(null));
        Assert.Null(Caller.From(new ClaimsPrincipal(new ClaimsIdentity())));
    }

    [Fact]
    public void From_ReadsSubjectClientAndSpaceSeparatedScopes_FromScopeOrScp()
    {
        Caller caller = Caller.From(User(("sub", "alice"), ("azp", "cli"), ("scope", "openid mcp:read"), ("scp", "mcp:write")))!;

        Assert.Equal("alice", caller.Subject);
        Assert.Equal("cli", caller.ClientId);
        Assert.Equal("oauth", caller.Method);
        Assert.Equal(["mcp:read", "mcp:write", "openid"], caller.Scopes.Order());
    }

    [Fact]
    public void From_ClientCredentialsTokenWithoutSubject_IsNamedByItsClient_ApiKeysSaySo()
    {
        Assert.Equal("svc", Caller.From(User(("client_id", "svc"), ("scope", "mcp:read")))!.Subject);
        Assert.Equal("api-key", Caller.From(User(("sub", "api-key:bot"), (Caller.ApiKeyClaim, "bot")))!.Method);
    }

    [Theory]
    [InlineData("mcp:read", true, true)]
    [InlineData("mcp:read", false, false)]
    [InlineData("mcp:write", true, true)]
    [InlineData("mcp:write", false, true)]
    [InlineData("openid profile", true, false)]
    [InlineData("MCP:WRITE", false, false)]
    public void MayCall_ReadToolsNeedReadOrWrite_WriteToolsNeedWrite(string scopes, bool readOnlyTool, bool allowed) =>
        Assert.Equal(allowed, Caller.From(User(("sub", "u"), ("scope", scopes)))!.MayCall(readOnlyTool));
}
