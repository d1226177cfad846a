using McpServers.Crm.Options;
using McpServers.Shared.Audit;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Crm.Backend.HubSpot;

/// <summary>Everything the HubSpot provider adds to the server: its settings (for --help) and its services.</summary>
public static class HubSpotRegistration
{
    /// <summary>The provider's settings, listed by --help after the Crm: ones.</summary>
    public static readonly SettingHelp[] Settings =
    [
        new SettingHelp("HubSpot:AccessToken", "Private-app access token (Bearer); also HUBSPOT_ACCESS_TOKEN.", Secret: true),
        new SettingHelp("HubSpot:OAuth:ClientId", "OAuth app client id: act as the user who ran `mcp-crm login` (instead of a private-app token).", null),
        new SettingHelp("HubSpot:OAuth:ClientSecret", "OAuth app client secret.", Secret: true),
        new SettingHelp("HubSpot:OAuth:Scopes", "Space-separated scopes asked for at sign-in.", HubSpotOptions.DefaultScopes),
        new SettingHelp("HubSpot:OAuth:AuthorizationEndpoint", "Where the browser signs in.", HubSpotOptions.DefaultAuthorizationEndpoint),
        new SettingHelp("HubSpot:OAuth:TokenEndpoint", "The token endpoint.", HubSpotOptions.DefaultTokenEndpoint),
        new SettingHelp("HubSpot:OAuth:Audience|DeviceAuthorizationEndpoint|RevocationEndpoint", "Further OAuth endpoints, if the app uses them (HubSpot documents none by default).", null),
        new SettingHelp("HubSpot:OAuth:AuthorizeParameters:<name>", "Another parameter the sign-in address needs (e.g. optional_scope).", null),
        new SettingHelp("HubSpot:OAuth:RedirectPort", "Loopback port of http://127.0.0.1:<port>/callback, as registered with the app (0: any free port).", "0"),
        new SettingHelp("HubSpot:OAuth:TokenFile", "Where login stores the refresh token (user-only permissions).", "<local app data>/mcp-crm/hubspot-refresh-token"),
        new SettingHelp("HubSpot:OwnerId", "With a private-app token: the owner id that \"me\" stands for (owner filters, logged activities).", null),
        new SettingHelp("HubSpot:PortalId", "The account (hub) id for record links; unset: read from the account-info API.", null),
        new SettingHelp("HubSpot:UiDomain", "Host of record links, e.g. app-eu1.hubspot.com; unset: the account's.", null),
        new SettingHelp("HubSpot:BaseUrl", "API address.", "https://api.hubapi.com"),
        new SettingHelp("HubSpot:ObjectsPath", "Objects API path; HubSpot is moving to date-versioned paths such as /crm/objects/2026-03.", "/crm/v3/objects"),
        new SettingHelp("HubSpot:PropertiesPath|AssociationsPath|PipelinesPath|OwnersPath|AccountInfoPath|TokenInfoPath",
            "The other API paths: /crm/v3/properties, /crm/v4/associations, /crm/v3/pipelines, /crm/v3/owners, /account-info/v3/details, /oauth/v1/access-tokens.", null),
        new SettingHelp("HubSpot:CompanyProperties", "Company properties the model may read and filter on (comma-separated).", string.Join(",", HubSpotOptions.DefaultCompanyProperties)),
        new SettingHelp("HubSpot:ContactProperties", "Contact properties the model may read and filter on.", string.Join(",", HubSpotOptions.DefaultContactProperties)),
        new SettingHelp("HubSpot:DealProperties", "Deal properties the model may read and filter on.", string.Join(",", HubSpotOptions.DefaultDealProperties)),
        new SettingHelp("HubSpot:CallProperties|NoteProperties|MeetingProperties|TaskProperties|EmailProperties",
            "Engagement properties shown in activities, per type; e.g. leave out hs_call_body to hide call notes.", "subject, body, status, time, owner"),
        new SettingHelp("HubSpot:ContactWriteProperties", "Contact properties the write tools may set.", string.Join(",", HubSpotOptions.DefaultContactWriteProperties)),
        new SettingHelp("HubSpot:DealWriteProperties", "Deal properties the write tools may set.", string.Join(",", HubSpotOptions.DefaultDealWriteProperties)),
        new SettingHelp("HubSpot:CompanyWriteProperties", "Company properties the write tools may set.", "(none)"),
        new SettingHelp("HubSpot:Http:Proxy", "HTTP proxy URL (also HubSpot:Http:ExtraCaBundle, HubSpot:Http:MaxRetries).", null),
    ];

    /// <summary>Vendor-style environment names for the provider's settings.</summary>
    public static readonly EnvironmentAlias[] Aliases =
    [
        new EnvironmentAlias(HubSpotOptions.AccessTokenEnvironment, "HubSpot:AccessToken"),
    ];

    /// <summary>
    /// Registers the provider's options (validated at start), backend HTTP client, credential and sign-in, and the
    /// <see cref="ICrmGateway"/> singleton. Called by CrmServer.AddCrmServer when Crm:Provider is HubSpot.
    /// </summary>
    public static IServiceCollection AddHubSpot(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddHubSpotOptions(configuration);
        services.AddUserSignIn(new UserSignInRegistration("HubSpot", HubSpotOptions.OAuthSection, HubSpotGateway.HttpClientName,
            CredentialServiceCollectionExtensions.LocalTokenFile("mcp-crm", "hubspot-refresh-token"), HubSpotOptions.DefaultScopes,
            options => HubSpotOptions.WithDefaults(options)));
        services.AddBackendHttpClient(HubSpotGateway.HttpClientName, configuration.GetSection("HubSpot:Http"), "Crm",
            ServerIdentity.VersionOf(typeof(HubSpotRegistration).Assembly));
        services.AddBackendCredential(HubSpotGateway.HttpClientName, sp => sp.GetRequiredService<HubSpotOptions>() switch
        {
            { OAuth: not null } => sp.GetRequiredService<OAuthCredential>(),
            { AccessToken: { } token } => new BearerCredential(token, "HubSpot"),
            _ => null,
        });
        // Created on first use: nothing reaches HubSpot before the first tool call or --check. The audit context hears
        // where calls go and, once HubSpot has said who signed in, as whom.
        services.AddSingleton<ICrmGateway>(sp =>
        {
            HubSpotOptions options = sp.GetRequiredService<HubSpotOptions>();
            AuditContext audit = sp.GetRequiredService<AuditContext>();
            audit.Downstream = options.BaseUrl.Host;
            audit.BackendIdentity ??= options.OAuth is null ? "HubSpot private app" : null;
            HttpClient http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HubSpotGateway.HttpClientName);
            http.BaseAddress = options.BaseUrl.AbsoluteUri.EndsWith('/') ? options.BaseUrl : new Uri(options.BaseUrl.AbsoluteUri + "/");
            return new HubSpotGateway(http, options, sp.GetService<CrmOptions>() ?? CrmSettings(configuration), sp.GetRequiredService<TimeProvider>(),
                options.OAuth is null ? null : sp.GetRequiredService<OAuthCredential>(), user => audit.BackendIdentity = user,
                sp.GetRequiredService<ILogger<HubSpotGateway>>());
        });
        return services;
    }

    /// <summary>The Crm: settings as bound, for when the server has not registered them itself.</summary>
    private static CrmOptions CrmSettings(IConfiguration configuration)
    {
        var crm = new CrmOptions();
        configuration.GetSection(CrmOptions.Section).Bind(crm);
        return crm;
    }
}
