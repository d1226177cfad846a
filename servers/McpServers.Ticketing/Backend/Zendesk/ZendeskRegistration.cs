using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Shared.Audit;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Options;
using McpServers.Ticketing.Tools.Zendesk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Ticketing.Backend.Zendesk;

/// <summary>The Zendesk Support provider (section <c>Zendesk:</c>): its settings, DI registration and <c>zendesk_*</c> tools.</summary>
public static class ZendeskRegistration
{
    public static IReadOnlyList<SettingHelp> Settings { get; } =
    [
        new SettingHelp("Zendesk:Subdomain", "Zendesk account subdomain (acme for https://acme.zendesk.com); also ZENDESK_SUBDOMAIN."),
        new SettingHelp("Zendesk:BaseUrl", "Zendesk account URL instead of Zendesk:Subdomain, e.g. https://acme.zendesk.com."),
        new SettingHelp("Zendesk:Email", "The agent's e-mail for the API token; also ZENDESK_EMAIL."),
        new SettingHelp("Zendesk:ApiToken", "API token (Basic auth as {email}/token with Zendesk:Email); also ZENDESK_API_TOKEN.", Secret: true),
        new SettingHelp("Zendesk:OAuth:ClientId", "OAuth client id (Admin Center > Apps and integrations > APIs > OAuth Clients): act as the user who ran `mcp-ticketing login`.", null),
        new SettingHelp("Zendesk:OAuth:ClientSecret", "OAuth client secret (confidential clients).", Secret: true),
        new SettingHelp("Zendesk:OAuth:AuthorizationEndpoint", "Sign-in address.", "<site>/oauth/authorizations/new"),
        new SettingHelp("Zendesk:OAuth:TokenEndpoint", "Token address.", "<site>/oauth/tokens"),
        new SettingHelp("Zendesk:OAuth:Scopes", "Space-separated scopes.", ZendeskOptions.DefaultScopes),
        new SettingHelp("Zendesk:OAuth:Audience", "Audience parameter, if the authorization server needs one.", null),
        .. SignInSettingHelp.Common(ZendeskOptions.OAuthSection, ZendeskTokenFile),
        new SettingHelp("Zendesk:DefaultMaxResults", "Tickets per search page when the model does not ask.", "25"),
        new SettingHelp("Zendesk:MaxResults", "Tickets per search page the model can never exceed (at most 100).", "100"),
        new SettingHelp("Zendesk:MaxComments", "Newest comments zendesk_get_ticket returns at most.", "20"),
        new SettingHelp("Zendesk:MaxTextChars", "Descriptions and comments are cut above this length.", "20000"),
        new SettingHelp("Zendesk:Http:Proxy", "HTTP proxy URL (also Zendesk:Http:ExtraCaBundle, Zendesk:Http:ClientCertificate, Zendesk:Http:MaxRetries).", null),
    ];

    private const string ZendeskTokenFile = "zendesk-refresh-token";

    public static IReadOnlyList<EnvironmentAlias> Aliases { get; } =
    [
        new EnvironmentAlias("ZENDESK_SUBDOMAIN", "Zendesk:Subdomain"),
        new EnvironmentAlias("ZENDESK_EMAIL", "Zendesk:Email"),
        new EnvironmentAlias("ZENDESK_API_TOKEN", "Zendesk:ApiToken"),
    ];

    /// <summary>
    /// When <paramref name="chosen"/>: the options, the sign-in, the HTTP client and the gateway, created on first use.
    /// Otherwise only the settings sections are declared, so that a Zendesk setting left in the environment is not
    /// mistaken for a typo.
    /// </summary>
    public static IServiceCollection AddZendesk(this IServiceCollection services, IConfiguration configuration, bool chosen, string version)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!chosen)
        {
            return services.AddProviderSections<ZendeskOptions>(ZendeskOptions.Section);
        }

        services.AddZendeskOptions(configuration);
        Uri? site = ZendeskOptions.SiteOf(configuration.GetSection(ZendeskOptions.Section));
        services.AddUserSignIn(new UserSignInRegistration("Zendesk", ZendeskOptions.OAuthSection, ZendeskGateway.HttpClientName,
            CredentialServiceCollectionExtensions.LocalTokenFile("mcp-ticketing", ZendeskTokenFile), ZendeskOptions.DefaultScopes,
            options =>
            {
                if (site is not null)
                {
                    ZendeskOptions.WithZendeskEndpoints(options, site);
                }
            }));
        services.AddBackendHttpClient(ZendeskGateway.HttpClientName, configuration.GetSection("Zendesk:Http"), "Ticketing", version);
        services.AddSingleton<IZendeskGateway>(sp =>
        {
            ZendeskOptions options = sp.GetRequiredService<ZendeskOptions>();
            AuditContext audit = sp.GetRequiredService<AuditContext>();
            audit.Downstream = options.Site.Host;
            audit.BackendIdentity ??= options.Email;
            HttpClient http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(ZendeskGateway.HttpClientName);
            http.BaseAddress = options.Site;
            return new ZendeskGateway(http, options, account => audit.BackendIdentity = account, sp.GetRequiredService<ILogger<ZendeskGateway>>());
        });
        services.AddBackendCredential(ZendeskGateway.HttpClientName, sp => sp.GetRequiredService<ZendeskOptions>() switch
        {
            { OAuth: not null } => sp.GetRequiredService<OAuthCredential>(),
            // "API token" authentication: the user name is {email}/token, the password the token itself.
            { ApiToken: { } token, Email: { } email } => new BasicCredential(email + "/token", token, "Zendesk"),
            _ => null,
        });
        services.AddSingleton<IServerCheck, ZendeskServerCheck>();
        return services;
    }

    /// <summary>The <c>zendesk_*</c> tools, each only when Zendesk is the provider.</summary>
    public static ToolCatalog AddZendeskTools(this ToolCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog
            .AddWhen<SearchTicketsTool>(IsZendesk)
            .AddWhen<GetTicketTool>(IsZendesk)
            .AddWhen<CreateTicketTool>(IsZendesk)
            .AddWhen<AddCommentTool>(IsZendesk)
            .AddWhen<UpdateTicketTool>(IsZendesk);
    }

    private static readonly Func<IServiceProvider, bool> IsZendesk = TicketingOptions.Is(TicketingProvider.Zendesk);
}

/// <summary>Output and parameter types of the <c>zendesk_*</c> tools.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SearchTicketsTool.Output), TypeInfoPropertyName = "SearchTicketsOutput")]
[JsonSerializable(typeof(TicketDetail))]
[JsonSerializable(typeof(CreateTicketTool.Output), TypeInfoPropertyName = "CreateTicketOutput")]
[JsonSerializable(typeof(AddCommentTool.Output), TypeInfoPropertyName = "ZendeskAddCommentOutput")]
[JsonSerializable(typeof(UpdateTicketTool.Output), TypeInfoPropertyName = "UpdateTicketOutput")]
// Parameter types of the tools.
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(bool?))]
internal sealed partial class ZendeskToolJsonContext : JsonSerializerContext;
