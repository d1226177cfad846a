using McpServers.Documents.Backend;
using McpServers.Documents.Backend.SharePoint;
using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Testing.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Documents.Tests.SharePoint;

/// <summary>Signing in as the user (`mcp-documents login`) against the loopback authorization server, and the start-up checks.</summary>
public sealed class SharePointSignInTests : IAsyncLifetime
{
    private readonly FakeGraph _graph = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("mcp-documents-sharepoint-").FullName;
    private readonly List<ServiceProvider> _providers = [];
    private FakeAuthorizationServer _auth = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string TokenFile => Path.Combine(_folder, "sharepoint-refresh-token");

    public async ValueTask InitializeAsync()
    {
        await _graph.StartAsync(Ct);
        _auth = await FakeAuthorizationServer.StartAsync(Ct);
        _graph.AcceptToken = token => _auth.IssuedTokens.Contains(token);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceProvider provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _auth.DisposeAsync();
        await _graph.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        ServiceProvider provider = SharePointServices.Build(settings);
        _providers.Add(provider);
        return provider;
    }

    /// <summary>As a user: no client secret, the sign-in's endpoints on the loopback authorization server.</summary>
    private Dictionary<string, string?> UserSettings(bool endpoints = true)
    {
        Dictionary<string, string?> settings = _graph.Configuration();
        settings.Remove("SharePoint:ClientSecret");
        settings["SharePoint:ClientId"] = FakeAuthorizationServer.ClientId;
        settings["SharePoint:OAuth:TokenFile"] = TokenFile;
        if (endpoints)
        {
            settings["SharePoint:OAuth:AuthorizationEndpoint"] = _auth.AuthorizationEndpoint.ToString();
            settings["SharePoint:OAuth:TokenEndpoint"] = _auth.TokenEndpoint.ToString();
        }

        return settings;
    }

    private static async Task FollowInBrowser(Uri url)
    {
        using var browser = new HttpClient();
        (await browser.GetAsync(url, Ct)).Dispose();
    }

    [Fact]
    public async Task Login_AsTheUser_ThenGraphIsCalledWithTheUsersToken()
    {
        ServiceProvider services = Services(UserSettings());
        var output = new StringWriter();

        int exit = await SignInCommands.LoginAsync(services.GetRequiredService<UserSignIn>(), output, FollowInBrowser, Ct);
        ListingPage top = await services.GetRequiredService<IDocumentSource>().ListAsync(null, new PageRequest(5, null), Ct);

        Assert.Equal(0, exit);
        Assert.True(File.Exists(TokenFile));
        string authorize = Uri.UnescapeDataString(_auth.Requests.Single(r => r.Path == "/authorize").RawQuery.Replace('+', ' '));
        Assert.Contains("scope=Files.Read.All Sites.Read.All offline_access", authorize, StringComparison.Ordinal);
        Assert.Contains("client_id=" + FakeAuthorizationServer.ClientId, authorize, StringComparison.Ordinal);
        Assert.Single(top.Entries);
        Assert.All(_graph.Requests, r => Assert.Contains(r.Header("Authorization")?["Bearer ".Length..], _auth.IssuedTokens));
    }

    [Fact]
    public async Task MyOneDrive_IsListedOnlyWhenDrivesSaysMe()
    {
        Dictionary<string, string?> settings = UserSettings();
        settings["SharePoint:Drives"] = FakeGraph.Drive + ",me";
        ServiceProvider services = Services(settings);
        await SignInCommands.LoginAsync(services.GetRequiredService<UserSignIn>(), new StringWriter(), FollowInBrowser, Ct);
        IDocumentSource source = services.GetRequiredService<IDocumentSource>();

        ListingPage top = await source.ListAsync(null, new PageRequest(5, null), Ct);
        ListingPage site = await source.ListAsync(top.Entries[0].Id, new PageRequest(5, null), Ct);

        Assert.Equal([("sharepoint:site:" + FakeGraph.SiteId, "site"), ("sharepoint:" + FakeGraph.MyDrive, "drive")], top.Entries.Select(e => (e.Id, e.Kind)));
        Assert.Equal(["sharepoint:" + FakeGraph.Drive], site.Entries.Select(e => e.Id));
        Assert.Contains(_graph.Requests, r => r.Path == "/v1.0/me/drive");
    }

    [Fact]
    public async Task NotSignedIn_GraphCallsAskForLogin()
    {
        ServiceProvider services = Services(UserSettings());

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => services.GetRequiredService<IDocumentSource>().ListAsync(null, new PageRequest(5, null), Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, error.Kind);
        Assert.Contains("mcp-documents login", error.SafeMessage, StringComparison.Ordinal);
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public void SignIn_DefaultsToTheTenantsMicrosoftEndpoints_AndGraphScopes()
    {
        Dictionary<string, string?> settings = UserSettings(endpoints: false);
        settings.Remove("SharePoint:AuthorityUrl");
        ServiceProvider services = Services(settings);

        OAuthClientOptions options = services.GetRequiredService<UserSignIn>().Options;

        const string Tenant = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/";
        Assert.Equal((Tenant + "authorize", Tenant + "token", Tenant + "devicecode"),
            (options.AuthorizationEndpoint, options.TokenEndpoint, options.DeviceAuthorizationEndpoint));
        Assert.Equal(SharePointOptions.DefaultScopes, options.Scopes);
        Assert.Equal(FakeAuthorizationServer.ClientId, options.ClientId);
        Assert.Equal("SharePoint:OAuth", services.GetRequiredService<UserSignInRegistration>().Section);
    }

    [Fact]
    public async Task AppRegistration_UsesClientCredentials_AndOffersNoLogin()
    {
        ServiceProvider services = Services(_graph.Configuration());

        await services.GetRequiredService<IDocumentSource>().ListAsync(null, new PageRequest(5, null), Ct);

        Assert.Null(services.GetService<UserSignInRegistration>());
        string token = Assert.Single(_graph.Requests, r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal)).Body;
        Assert.Contains("grant_type=client_credentials", token, StringComparison.Ordinal);
        Assert.Contains("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default", token, StringComparison.Ordinal);
    }

    [Fact]
    public void NotConfigured_RegistersNothing()
    {
        ServiceProvider services = Services(new() { ["SharePoint:GraphUrl"] = "https://graph.example/v1.0" });

        Assert.Null(services.GetService<IDocumentSource>());
        Assert.Null(services.GetService<UserSignInRegistration>());
    }

    [Theory]
    [InlineData("SharePoint:TenantId", "SharePoint:TenantId is required")]
    [InlineData("SharePoint:ClientId", "SharePoint:ClientId is required")]
    [InlineData("SharePoint:Sites", "SharePoint:Sites is required")]
    public void StartUp_NamesAMissingSetting(string missing, string message)
    {
        Dictionary<string, string?> settings = _graph.Configuration();
        settings.Remove(missing);
        if (missing == "SharePoint:Sites")
        {
            settings["SharePoint:Sites"] = "";
        }

        ServiceProvider services = Services(settings);

        ConfigurationException error = Assert.Throws<ConfigurationException>(() => services.GetRequiredService<SharePointOptions>());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeGraph.ClientSecret, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SharePoint:Sites", "https://contoso.sharepoint.com/sites/x", "'https://contoso.sharepoint.com/sites/x' is neither a site id")]
    [InlineData("SharePoint:Drives", "b!x/../y", "SharePoint:Drives: 'b!x/../y' is not a drive id")]
    [InlineData("SharePoint:Drives", "me", "SharePoint:Drives=me needs a signed-in user")]
    [InlineData("SharePoint:GraphUrl", "ftp://graph.example/", "SharePoint:GraphUrl must be an absolute http(s) URL")]
    public void StartUp_RefusesAnOddValue(string key, string value, string message)
    {
        Dictionary<string, string?> settings = _graph.Configuration();
        settings[key] = value;
        ServiceProvider services = Services(settings);

        ConfigurationException error = Assert.Throws<ConfigurationException>(() => services.GetRequiredService<SharePointOptions>());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NeverPrintTheSecret()
    {
        ServiceProvider services = Services(_graph.Configuration());

        Assert.DoesNotContain(FakeGraph.ClientSecret, services.GetRequiredService<SharePointOptions>().ToString(), StringComparison.Ordinal);
    }
}
