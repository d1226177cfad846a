using System.Text.Json;
using McpServers.Crm.Backend.Salesforce;
using McpServers.Testing.Hosting;
using McpServers.Testing.OAuth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.SalesforceSignIn;

/// <summary>
/// <c>mcp-crm login</c>, <c>whoami</c> and <c>logout</c> for Salesforce as the shipped executable runs them, against
/// the loopback authorization server; serving is checked with <c>tools/list</c> only (no backend call): no token or
/// secret reaches stdout, stderr or a result.
/// </summary>
public sealed class SalesforceSignInProcessTests : IAsyncLifetime
{
    private const string ClientSecret = "CANARY-consumer-secret-9902";
    private readonly string _folder = Directory.CreateTempSubdirectory("mcp-crm-sf-process-").FullName;
    private FakeAuthorizationServer _auth = null!;

    private static string Exe => ServerExecutable.Resolve("mcp-crm");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string TokenFile => Path.Combine(_folder, "tokens", "salesforce.json");

    public async ValueTask InitializeAsync()
    {
        _auth = await FakeAuthorizationServer.StartAsync(Ct);
        _auth.ClientSecret = ClientSecret;
        _auth.TokenPrefix = "CANARY-";
        _auth.GrantedScope = "api refresh_token";
        _auth.ExtraTokenFields["instance_url"] = "https://acme.my.salesforce.com";
    }

    public async ValueTask DisposeAsync()
    {
        await _auth.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private Dictionary<string, string?> Environment() => new()
    {
        ["CRM_PROVIDER"] = "Salesforce",
        ["MCP_CRM__Salesforce__OAuth__ClientId"] = FakeAuthorizationServer.ClientId,
        ["MCP_CRM__Salesforce__OAuth__ClientSecret"] = ClientSecret,
        ["MCP_CRM__Salesforce__OAuth__AuthorizationEndpoint"] = _auth.AuthorizationEndpoint.ToString(),
        ["MCP_CRM__Salesforce__OAuth__TokenEndpoint"] = _auth.TokenEndpoint.ToString(),
        ["MCP_CRM__Salesforce__OAuth__RevocationEndpoint"] = _auth.RevocationEndpoint.ToString(),
        ["MCP_CRM__Salesforce__OAuth__TokenFile"] = TokenFile,
    };

    [Fact]
    public async Task Login_WhoAmI_ToolsList_AndLogout_AsTheExecutableRunsThem_NeverShowASecret()
    {
        string login = await SignInProcess.LoginInBrowserAsync(Exe, ["login", "--no-browser"], Environment(), Ct);
        var (whoExit, whoStdout, whoStderr) = await StdioMcpProcess.RunOnceAsync(Exe, ["whoami"], Environment(), Ct);
        string listed = await ToolsListAsync();
        var (outExit, _, outStderr) = await StdioMcpProcess.RunOnceAsync(Exe, ["logout"], Environment(), Ct);
        var (againExit, _, againStderr) = await StdioMcpProcess.RunOnceAsync(Exe, ["whoami"], Environment(), Ct);

        Assert.Contains("Signed in to Salesforce as ", login, StringComparison.Ordinal);
        Assert.Equal(0, whoExit);
        Assert.Empty(whoStdout);
        Assert.Contains("Scopes: api refresh_token", whoStderr, StringComparison.Ordinal);
        Assert.Equal(0, outExit);
        Assert.False(File.Exists(TokenFile));
        Assert.Equal([_auth.CurrentRefreshToken!], _auth.RevokedTokens);
        Assert.Equal(1, againExit);
        Assert.Contains("run `mcp-crm login`", againStderr, StringComparison.Ordinal);
        string printed = login + whoStdout + whoStderr + listed + outStderr + againStderr;
        SignInProcess.AssertNoToken(_auth, printed);
        Assert.DoesNotContain(ClientSecret, printed, StringComparison.Ordinal);
    }

    /// <summary>Serves <c>tools/list</c> as the signed-in user's server (nothing reaches Salesforce); returns everything printed.</summary>
    private async Task<string> ToolsListAsync()
    {
        string stored = await File.ReadAllTextAsync(TokenFile, Ct);
        Assert.Contains("\"instance_url\": \"https://acme.my.salesforce.com\"", stored, StringComparison.Ordinal);
        await using var server = StdioMcpProcess.Start(Exe, ["--audit-log", "-", "--set", "Logging:Level=Debug"], Environment());
        await server.InitializeAsync();
        JsonElement tools = await server.RequestAsync("tools/list");

        Assert.True(tools.TryGetProperty("result", out _), tools.GetRawText());
        Assert.Equal(0, await server.CloseAndWaitAsync());
        server.AssertStdoutIsOnlyJsonRpc();
        return string.Join('\n', server.StdoutLines) + server.Stderr;
    }
}
