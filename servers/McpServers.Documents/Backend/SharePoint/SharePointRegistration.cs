using McpServers.Documents.Options;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Documents.Backend.SharePoint;

/// <summary>Everything the SharePoint source adds to the server: its settings (for --help) and, when configured, its services.</summary>
public static class SharePointRegistration
{
    /// <summary>The backend name of its user sign-in: the key of its sign-in services, and what <c>mcp-documents login SharePoint</c> names.</summary>
    public const string SignInBackend = "SharePoint";

    /// <summary>The backend HTTP client of Microsoft Graph (settings under <c>SharePoint:Http</c>).</summary>
    public const string HttpClientName = "SharePoint";

    /// <summary>Where Graph's <c>/content</c> redirects to unless <c>SharePoint:Http:DownloadHosts</c> says otherwise.</summary>
    public const string DefaultDownloadHosts = "sharepoint.com";

    /// <summary>The source's settings, listed by --help after the Documents: ones.</summary>
    public static readonly SettingHelp[] Settings =
    [
        new("SharePoint:Sites", "Comma-separated sites the model may read: site ids or references such as contoso.sharepoint.com:/sites/Policies."),
        new("SharePoint:Drives", "Optional: only these document libraries (drive ids) of the sites; `me` adds the signed-in user's OneDrive."),
        new("SharePoint:TenantId", "Entra tenant id or domain, e.g. contoso.onmicrosoft.com."),
        new("SharePoint:ClientId", "Application (client) id of the Entra app registration."),
        new("SharePoint:ClientSecret", "App registration secret: act as the app (client credentials) instead of the signed-in user; also SHAREPOINT_CLIENT_SECRET.", Secret: true),
        new("SharePoint:GraphUrl", "Microsoft Graph base URL.", "https://graph.microsoft.com/v1.0"),
        new("SharePoint:AuthorityUrl", "Microsoft identity platform; endpoints are <authority><tenant>/oauth2/v2.0/authorize|token|devicecode.", "https://login.microsoftonline.com/"),
        new("SharePoint:OAuth:Scopes", "Delegated scopes asked for by `mcp-documents login`.", SharePointOptions.DefaultScopes),
        new("SharePoint:OAuth:TokenFile", "Where login stores the refresh token (user-only permissions).", "<local app data>/mcp-documents/sharepoint-refresh-token"),
        new("SharePoint:Http:DownloadHosts", "Hosts Graph's file downloads may be redirected to (https, sent without credentials).", DefaultDownloadHosts),
        new("SharePoint:Http:Proxy", "HTTP proxy URL (also SharePoint:Http:ExtraCaBundle, SharePoint:Http:MaxRetries)."),
    ];

    /// <summary>Vendor-style environment names for the source's settings.</summary>
    public static readonly EnvironmentAlias[] Aliases = [new(SharePointOptions.SecretVariable, "SharePoint:ClientSecret")];

    /// <summary>
    /// When the source is configured (its section has its required setting), registers its validated options, backend
    /// client, credential and sign-in, and an <see cref="IDocumentSource"/> (and <see cref="IDocumentWriter"/> where it
    /// writes); otherwise registers nothing. Called by DocumentsServer.AddDocumentsServer.
    /// </summary>
    public static IServiceCollection AddSharePoint(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(SharePointOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(SharePointOptions.TenantId)]) && SettingList.Parse(section, nameof(SharePointOptions.Sites)) is not { Count: > 0 })
        {
            // Not configured: no source, but its settings stay known (as Confluence's), so --help agrees with what the
            // server binds and a lone SharePoint:ClientId is not reported as an unknown setting.
            return services.AddSettingsSection<SharePointOptions>(SharePointOptions.Section)
                .AddSettingsSection<OAuthClientOptions>(SharePointOptions.OAuthSection)
                .AddSettingsSection<BackendHttpOptions>(SharePointOptions.Section + ":Http");
        }

        services.AddSharePointOptions(configuration);
        services.AddBackendHttpClient(HttpClientName, section.GetSection("Http"), "Documents", ServerIdentity.VersionOf(typeof(SharePointRegistration).Assembly));
        services.PostConfigure<BackendHttpOptions>(HttpClientName, o => o.DownloadHosts = o.DownloadHosts is { Length: > 0 } hosts ? hosts : [DefaultDownloadHosts]);
        bool asApp = !string.IsNullOrWhiteSpace(section[nameof(SharePointOptions.ClientSecret)]);
        if (!asApp)
        {
            services.AddUserSignIn(new UserSignInRegistration(SignInBackend, SharePointOptions.OAuthSection, HttpClientName,
                CredentialServiceCollectionExtensions.LocalTokenFile("mcp-documents", "sharepoint-refresh-token"), SharePointOptions.DefaultScopes,
                oauth => MicrosoftEndpoints(oauth, section)));
        }

        services.AddBackendCredential(HttpClientName, sp => sp.GetRequiredService<SharePointOptions>().Auth == SharePointAuth.ClientCredentials
            ? AppCredential(sp)
            : sp.GetRequiredKeyedService<OAuthCredential>(SignInBackend));
        services.AddSingleton<IDocumentSource>(sp =>
        {
            SharePointOptions options = sp.GetRequiredService<SharePointOptions>();
            HttpClient http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            http.BaseAddress = options.GraphUrl;
            // TODO(lead): DocumentsOptions is not registered by the skeleton yet; the defaults apply until it is.
            return new SharePointSource(new GraphClient(http, options), options, sp.GetService<DocumentsOptions>() ?? new DocumentsOptions());
        });
        return services;
    }

    /// <summary>
    /// The Microsoft identity platform's endpoints for the tenant, unless set under <c>SharePoint:OAuth</c>; the client id
    /// from <c>SharePoint:ClientId</c>. Microsoft has no RFC 7009 revocation endpoint: logout forgets the sign-in locally.
    /// </summary>
    private static void MicrosoftEndpoints(OAuthClientOptions oauth, IConfigurationSection section)
    {
        Uri authority = new(WithSlash(section[nameof(SharePointOptions.AuthorityUrl)] ?? "https://login.microsoftonline.com/"));
        string tenant = Uri.EscapeDataString(section[nameof(SharePointOptions.TenantId)]?.Trim() ?? "organizations");
        oauth.ClientId = string.IsNullOrWhiteSpace(oauth.ClientId) ? section[nameof(SharePointOptions.ClientId)]?.Trim() : oauth.ClientId;
        oauth.AuthorizationEndpoint ??= new Uri(authority, tenant + "/oauth2/v2.0/authorize").ToString();
        oauth.TokenEndpoint ??= new Uri(authority, tenant + "/oauth2/v2.0/token").ToString();
        oauth.DeviceAuthorizationEndpoint ??= new Uri(authority, tenant + "/oauth2/v2.0/devicecode").ToString();
    }

    private static string WithSlash(string url) => url.EndsWith('/') ? url : url + "/";

    /// <summary>Client credentials for the app registration, scope <c>https://graph.microsoft.com/.default</c>.</summary>
    private static OAuthCredential AppCredential(IServiceProvider sp)
    {
        SharePointOptions options = sp.GetRequiredService<SharePointOptions>();
        TimeProvider time = sp.GetRequiredService<TimeProvider>();
        var client = new OAuthClientOptions
        {
            ClientId = options.ClientId,
            ClientSecret = options.ClientSecret,
            TokenEndpoint = options.Endpoint("token").ToString(),
            Scopes = SharePointOptions.AppScope,
        };
        var messages = new OAuthMessages("SharePoint", SharePointOptions.Section, null)
        {
            ClientSettings = $"SharePoint:ClientId and {SharePointOptions.SecretVariable} (SharePoint:ClientSecret)",
            ScopeSetting = "SharePoint:ClientId's Graph application permissions",
        };
        return new OAuthCredential(new ClientCredentialsSource(new OAuthTokenClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), client, messages, sp.GetRequiredService<SecretRedactor>()), time), time);
    }
}
