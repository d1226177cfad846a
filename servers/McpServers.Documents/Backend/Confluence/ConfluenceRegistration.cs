using McpServers.Documents.Options;
using McpServers.Shared.Audit;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Documents.Backend.Confluence;

/// <summary>Everything the Confluence source adds to the server: its settings (for --help) and, when configured, its services.</summary>
public static class ConfluenceRegistration
{
    /// <summary>The backend name of its user sign-in: the key of its sign-in services, and what <c>mcp-documents login Confluence</c> names.</summary>
    public const string SignInBackend = "Confluence";

    /// <summary>The source's settings, listed by --help after the Documents: ones.</summary>
    public static readonly SettingHelp[] Settings =
    [
        new SettingHelp("Confluence:BaseUrl", "Confluence site URL, e.g. https://your-site.atlassian.net; also CONFLUENCE_URL. Unset: no Confluence source."),
        new SettingHelp("Confluence:Spaces", "Comma-separated space keys the model may read (required); also CONFLUENCE_SPACES."),
        new SettingHelp("Confluence:WritableSpaces", "Space keys (of Confluence:Spaces) where pages may be created, updated and commented on with --allow-writes.", "none"),
        new SettingHelp("Confluence:SiteUrl", "Site for page links when Confluence:BaseUrl is an API gateway (OAuth on Cloud).", "Confluence:BaseUrl"),
        new SettingHelp("Confluence:Flavor", "Auto, Cloud (REST v2, CQL search) or DataCenter (REST v1).", "Auto"),
        new SettingHelp("Confluence:Email", "Cloud: Atlassian account e-mail for the API token; also CONFLUENCE_EMAIL."),
        new SettingHelp("Confluence:ApiToken", "Cloud: API token (Basic auth with Confluence:Email); also CONFLUENCE_API_TOKEN.", Secret: true),
        new SettingHelp("Confluence:PersonalAccessToken", "Data Center: personal access token (Bearer); also CONFLUENCE_PAT.", Secret: true),
        new SettingHelp("Confluence:OAuth:ClientId", "OAuth 2.0 (PKCE) client id: act as the user who ran `mcp-documents login`.", null),
        new SettingHelp("Confluence:OAuth:ClientSecret", "OAuth client secret (Atlassian 3LO apps have one).", Secret: true),
        new SettingHelp("Confluence:OAuth:AuthorizationEndpoint", "e.g. https://auth.atlassian.com/authorize.", null),
        new SettingHelp("Confluence:OAuth:TokenEndpoint", "e.g. https://auth.atlassian.com/oauth/token.", null),
        new SettingHelp("Confluence:OAuth:DeviceAuthorizationEndpoint", "RFC 8628 device authorization endpoint, for `mcp-documents login --device-code`.", null),
        new SettingHelp("Confluence:OAuth:RevocationEndpoint", "RFC 7009 revocation endpoint: `mcp-documents logout` revokes the sign-in there.", null),
        new SettingHelp("Confluence:OAuth:AuthorizeParameters:<name>", "Another parameter the authorization server needs on the sign-in address.", null),
        new SettingHelp("Confluence:OAuth:RedirectPort", "Loopback port of http://127.0.0.1:<port>/callback (0: any free port).", "0"),
        new SettingHelp("Confluence:OAuth:Scopes", "Space-separated scopes; keep offline_access.", ConfluenceOptions.DefaultScopes),
        new SettingHelp("Confluence:OAuth:Audience", "Atlassian Cloud: api.atlassian.com.", null),
        new SettingHelp("Confluence:OAuth:TokenFile", "Where login stores the refresh token (user-only permissions).", "<local app data>/mcp-documents/confluence-refresh-token"),
        new SettingHelp("Confluence:Http:Proxy", "HTTP proxy URL (also Confluence:Http:ExtraCaBundle, Confluence:Http:MaxRetries).", null),
    ];

    /// <summary>Vendor-style environment names for the source's settings.</summary>
    public static readonly EnvironmentAlias[] Aliases =
    [
        new EnvironmentAlias("CONFLUENCE_URL", "Confluence:BaseUrl"),
        new EnvironmentAlias("CONFLUENCE_SPACES", "Confluence:Spaces"),
        new EnvironmentAlias("CONFLUENCE_EMAIL", "Confluence:Email"),
        new EnvironmentAlias("CONFLUENCE_API_TOKEN", "Confluence:ApiToken"),
        new EnvironmentAlias("CONFLUENCE_PAT", "Confluence:PersonalAccessToken"),
    ];

    /// <summary>
    /// When the source is configured (its section has its required setting), registers its validated options, backend
    /// client, credential and sign-in, and an <see cref="IDocumentSource"/> (and <see cref="IDocumentWriter"/> where it
    /// writes); otherwise registers nothing. Called by DocumentsServer.AddDocumentsServer.
    /// </summary>
    public static IServiceCollection AddConfluence(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(ConfluenceOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(ConfluenceOptions.BaseUrl)]))
        {
            // Not configured: no source, but its settings stay known, so that a Confluence:Spaces without a base URL is
            // not reported as an unknown setting and --help agrees with what the server binds.
            return services.AddSettingsSection<ConfluenceOptions>(ConfluenceOptions.Section)
                .AddSettingsSection<OAuthClientOptions>(ConfluenceOptions.OAuthSection)
                .AddSettingsSection<BackendHttpOptions>(ConfluenceOptions.Section + ":Http");
        }

        services.AddSettings<ConfluenceOptions>(configuration, ConfluenceOptions.Section, new ConfluenceOptionsValidator()).Bind(section)
            .PostConfigure(o => o.Complete(section));
        // Confluence signs the user in only when its OAuth client is set; its sign-in is keyed "Confluence", beside SharePoint's.
        if (!string.IsNullOrWhiteSpace(section["OAuth:ClientId"]))
        {
            services.AddUserSignIn(new UserSignInRegistration(SignInBackend, ConfluenceOptions.OAuthSection, ConfluenceClient.HttpClientName,
                CredentialServiceCollectionExtensions.LocalTokenFile("mcp-documents", "confluence-refresh-token"), ConfluenceOptions.DefaultScopes,
                // Atlassian Cloud 3LO: with the API audience, consent is asked for so that offline_access yields a refresh token.
                options =>
                {
                    if (!string.IsNullOrWhiteSpace(options.Audience))
                    {
                        options.AuthorizeParameters.TryAdd("prompt", "consent");
                    }
                }));
        }

        services.AddBackendHttpClient(ConfluenceClient.HttpClientName, section.GetSection("Http"), "Documents", DocumentsServer.Identity.Version);
        services.AddBackendCredential(ConfluenceClient.HttpClientName, sp => sp.GetRequiredService<ConfluenceOptions>() switch
        {
            { OAuth: not null } => sp.GetRequiredKeyedService<OAuthCredential>(SignInBackend),
            { ApiToken: { } token, Email: { } email } => new BasicCredential(email, token, "Confluence"),
            { PersonalAccessToken: { } pat } => new BearerCredential(pat, "Confluence"),
            _ => null,
        });
        // Created on first use: nothing reaches Confluence before the first tool call or --check.
        services.AddSingleton(sp =>
        {
            ConfluenceOptions options = sp.GetRequiredService<ConfluenceOptions>();
            if (sp.GetService<AuditContext>() is { } audit)
            {
                audit.Downstream ??= options.BaseUrl.Host;
            }

            HttpClient http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(ConfluenceClient.HttpClientName);
            http.BaseAddress = options.BaseUrl;
            return new ConfluenceClient(http, options, sp.GetRequiredService<ILogger<ConfluenceClient>>());
        });
        services.AddSingleton(sp => new ConfluenceSource(sp.GetRequiredService<ConfluenceClient>(), sp.GetRequiredService<ConfluenceOptions>(),
            sp.GetService<DocumentsOptions>() ?? new DocumentsOptions()));
        services.AddSingleton<IDocumentSource>(sp => sp.GetRequiredService<ConfluenceSource>());
        services.AddSingleton<IDocumentWriter>(sp => new ConfluenceWriter(sp.GetRequiredService<ConfluenceClient>(), sp.GetRequiredService<ConfluenceSource>(),
            sp.GetRequiredService<ConfluenceOptions>()));
        return services;
    }
}
