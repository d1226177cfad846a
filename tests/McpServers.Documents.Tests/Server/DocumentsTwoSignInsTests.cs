using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Confluence;
using McpServers.Documents.Backend.SharePoint;
using McpServers.Documents.Tests.Confluence;
using McpServers.Documents.Tests.SharePoint;
using McpServers.Shared.Credentials;
using McpServers.Testing.Hosting;
using McpServers.Testing.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Documents.Tests.Server;

/// <summary>
/// Confluence and SharePoint each signing the user in at once, each against its own authorization server: each
/// backend is sent only the tokens of its own sign-in, and the sign-in verbs ask which one is meant.
/// </summary>
public sealed class DocumentsTwoSignInsTests : IAsyncLifetime
{
    private readonly FakeGraph _graph = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("mcp-documents-two-sign-ins-").FullName;
    private FakeConfluence _confluence = null!;
    private FakeAuthorizationServer _atlassian = null!;
    private FakeAuthorizationServer _microsoft = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _graph.StartAsync(Ct);
        _confluence = await FakeConfluence.StartAsync(ConfluenceFlavor.Cloud);
        _atlassian = await FakeAuthorizationServer.StartAsync(Ct);
        _atlassian.TokenPrefix = "atlassian-";
        _microsoft = await FakeAuthorizationServer.StartAsync(Ct);
        _microsoft.TokenPrefix = "microsoft-";
        _confluence.AcceptToken = token => _atlassian.IssuedTokens.Contains(token);
        _graph.AcceptToken = token => _microsoft.IssuedTokens.Contains(token);
    }

    public async ValueTask DisposeAsync()
    {
        await _atlassian.DisposeAsync();
        await _microsoft.DisposeAsync();
        await _confluence.DisposeAsync();
        await _graph.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Both sources as the user: no API token, no client secret; each sign-in's own endpoints and token file.</summary>
    private Dictionary<string, string?> Settings()
    {
        Dictionary<string, string?> settings = _graph.Configuration();
        settings.Remove("SharePoint:ClientSecret");
        settings["SharePoint:ClientId"] = FakeAuthorizationServer.ClientId;
        settings["SharePoint:OAuth:TokenFile"] = Path.Combine(_folder, "sharepoint");
        settings["SharePoint:OAuth:AuthorizationEndpoint"] = _microsoft.AuthorizationEndpoint.ToString();
        settings["SharePoint:OAuth:TokenEndpoint"] = _microsoft.TokenEndpoint.ToString();
        foreach ((string key, string? value) in _confluence.Configuration())
        {
            settings[key] = value;
        }

        settings.Remove("Confluence:Email");
        settings.Remove("Confluence:ApiToken");
        settings["Confluence:OAuth:ClientId"] = FakeAuthorizationServer.ClientId;
        settings["Confluence:OAuth:TokenFile"] = Path.Combine(_folder, "confluence");
        settings["Confluence:OAuth:AuthorizationEndpoint"] = _atlassian.AuthorizationEndpoint.ToString();
        settings["Confluence:OAuth:TokenEndpoint"] = _atlassian.TokenEndpoint.ToString();
        return settings;
    }

    private ServiceProvider Build() => ConfluenceHarness.Build(Settings(), (services, configuration) => services.AddSharePoint(configuration));

    private static async Task FollowInBrowser(Uri url)
    {
        using var browser = new HttpClient();
        (await browser.GetAsync(url, Ct)).Dispose();
    }

    [Fact]
    public async Task BothSignedIn_EachBackendGetsOnlyItsOwnSignInsTokens()
    {
        await using ServiceProvider services = Build();
        var output = new StringWriter();

        int confluenceLogin = await SignInCommands.LoginAsync(services.GetRequiredKeyedService<UserSignIn>(ConfluenceRegistration.SignInBackend), output, FollowInBrowser, Ct);
        int sharePointLogin = await SignInCommands.LoginAsync(services.GetRequiredKeyedService<UserSignIn>(SharePointRegistration.SignInBackend), output, FollowInBrowser, Ct);
        Dictionary<string, IDocumentSource> sources = services.GetServices<IDocumentSource>().ToDictionary(s => s.Name);
        ListingPage spaces = await sources["confluence"].ListAsync(null, new PageRequest(5, null), Ct);
        ListingPage sites = await sources["sharepoint"].ListAsync(null, new PageRequest(5, null), Ct);

        Assert.Equal((0, 0), (confluenceLogin, sharePointLogin));
        Assert.Contains("Signed in to Confluence", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Signed in to SharePoint", output.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(spaces.Entries);
        Assert.NotEmpty(sites.Entries);
        Assert.All(_confluence.Requests, r => Assert.StartsWith("Bearer atlassian-", r.Header("Authorization"), StringComparison.Ordinal));
        Assert.All(_graph.Requests.Where(r => r.Path.StartsWith("/v1.0/", StringComparison.Ordinal)),
            r => Assert.StartsWith("Bearer microsoft-", r.Header("Authorization"), StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(_folder, "confluence")));
        Assert.True(File.Exists(Path.Combine(_folder, "sharepoint")));
    }

    [Theory]
    [InlineData("whoami", 2, "this server signs in to Confluence or SharePoint; name one: mcp-documents whoami Confluence.")]
    [InlineData("whoami sharepoint", 1, "No one is signed in to SharePoint for this server; run `mcp-documents login SharePoint`")]
    [InlineData("whoami Jira", 2, "no sign-in to 'Jira' here; this server signs in to Confluence or SharePoint.")]
    public async Task SignInVerbs_WithTwoSignIns_AskWhichBackendIsMeant(string verb, int expectedExit, string expected)
    {
        var environment = Settings().ToDictionary(s => "MCP_DOCUMENTS__" + s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve("mcp-documents"), verb.Split(' '), environment);

        int exit = await process.CloseAndWaitAsync();

        Assert.True(exit == expectedExit, process.Stderr);
        Assert.Contains(expected, process.Stderr, StringComparison.Ordinal);
        Assert.Empty(_atlassian.Requests);
        Assert.Empty(_microsoft.Requests);
    }
}
