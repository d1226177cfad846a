using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Shared.Audit;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Options;
using McpServers.Ticketing.Tools.Jira;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Ticketing.Backend;

/// <summary>The Jira provider (section <c>Jira:</c>, the default): its settings, DI registration and <c>jira_*</c> tools.</summary>
public static class JiraRegistration
{
    public static IReadOnlyList<SettingHelp> Settings { get; } =
    [
        new SettingHelp("Jira:BaseUrl", "Jira site URL, e.g. https://your-site.atlassian.net; also JIRA_URL."),
        new SettingHelp("Jira:Projects", "Comma-separated project keys the model may use (required); also JIRA_PROJECTS."),
        new SettingHelp("Jira:CloudApiUrl", "Atlassian's API gateway for OAuth on Jira Cloud; the site's cloudId is discovered there.", "https://api.atlassian.com/"),
        new SettingHelp("Jira:SiteUrl", "Site for browse links when Jira:BaseUrl is an API gateway (OAuth on Cloud).", "Jira:BaseUrl"),
        new SettingHelp("Jira:Flavor", "Auto (ask serverInfo), Cloud (REST v3, ADF) or DataCenter (REST v2, wiki markup).", "Auto"),
        new SettingHelp("Jira:Email", "Cloud: Atlassian account e-mail for the API token; also JIRA_EMAIL."),
        new SettingHelp("Jira:ApiToken", "Cloud: API token (Basic auth with Jira:Email); also JIRA_API_TOKEN.", Secret: true),
        new SettingHelp("Jira:PersonalAccessToken", "Data Center: personal access token (Bearer); also JIRA_PAT.", Secret: true),
        new SettingHelp("Jira:OAuth:ClientId", "OAuth 2.0 (PKCE) client id: act as the user who ran `mcp-ticketing login`.", null),
        new SettingHelp("Jira:OAuth:ClientSecret", "OAuth client secret (Atlassian 3LO apps have one).", Secret: true),
        new SettingHelp("Jira:OAuth:AuthorizationEndpoint", "e.g. https://auth.atlassian.com/authorize or <jira>/rest/oauth2/latest/authorize.", null),
        new SettingHelp("Jira:OAuth:TokenEndpoint", "e.g. https://auth.atlassian.com/oauth/token or <jira>/rest/oauth2/latest/token.", null),
        new SettingHelp("Jira:OAuth:Scopes", "Space-separated scopes; keep offline_access.", JiraOptions.DefaultScopes),
        new SettingHelp("Jira:OAuth:Audience", "Atlassian Cloud: api.atlassian.com.", null),
        .. SignInSettingHelp.Common(JiraOptions.OAuthSection, JiraTokenFile),
        new SettingHelp("Jira:Anonymous", "Serve without credentials (a Jira that allows anonymous browsing).", "false"),
        new SettingHelp("Jira:AllowRawJql", "Offer jira_search_jql (a JQL condition, still ANDed with Jira:Projects, validated first).", "false"),
        new SettingHelp("Jira:DefaultMaxResults", "Issues per search page when the model does not ask.", "25"),
        new SettingHelp("Jira:MaxResults", "Issues per search page the model can never exceed.", "100"),
        new SettingHelp("Jira:MaxComments", "Newest comments jira_get_issue returns at most.", "20"),
        new SettingHelp("Jira:MaxTextChars", "Descriptions and comments are cut above this length.", "20000"),
        new SettingHelp("Jira:Http:Proxy", "HTTP proxy URL (also Jira:Http:ExtraCaBundle, Jira:Http:ClientCertificate, Jira:Http:MaxRetries).", null),
    ];

    private const string JiraTokenFile = "jira-refresh-token";

    public static IReadOnlyList<EnvironmentAlias> Aliases { get; } =
    [
        new EnvironmentAlias("JIRA_URL", "Jira:BaseUrl"),
        new EnvironmentAlias("JIRA_PROJECTS", "Jira:Projects"),
        new EnvironmentAlias("JIRA_EMAIL", "Jira:Email"),
        new EnvironmentAlias("JIRA_API_TOKEN", "Jira:ApiToken"),
        new EnvironmentAlias("JIRA_PAT", "Jira:PersonalAccessToken"),
    ];

    /// <summary>
    /// When <paramref name="chosen"/>: the options, the sign-in, the HTTP client and the gateway, created on first use
    /// (nothing reaches Jira before the first tool call or --check). Otherwise only the settings sections are declared,
    /// so that a Jira setting left in the environment is not mistaken for a typo.
    /// </summary>
    public static IServiceCollection AddJira(this IServiceCollection services, IConfiguration configuration, bool chosen, string version)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!chosen)
        {
            return services.AddProviderSections<JiraOptions>(JiraOptions.Section);
        }

        services.AddJiraOptions(configuration);
        services.AddUserSignIn(new UserSignInRegistration("Jira", JiraOptions.OAuthSection, JiraGateway.HttpClientName,
            CredentialServiceCollectionExtensions.LocalTokenFile("mcp-ticketing", JiraTokenFile), JiraOptions.DefaultScopes,
            // Atlassian Cloud 3LO: with the API audience, consent is asked for so that offline_access yields a refresh token.
            options =>
            {
                if (!string.IsNullOrWhiteSpace(options.Audience))
                {
                    options.AuthorizeParameters.TryAdd("prompt", "consent");
                }
            },
            // The account Jira names for "me" is kept per caller (JiraGateway), so each HTTP caller may bring their own.
            PerCaller: true));
        services.AddBackendHttpClient(JiraGateway.HttpClientName, configuration.GetSection("Jira:Http"), "Ticketing", version);
        // The audit context hears where calls go and, once Jira has said who the account is, as whom; the gateway itself knows no audit.
        services.AddSingleton<IJiraGateway>(sp =>
        {
            JiraOptions options = sp.GetRequiredService<JiraOptions>();
            AuditContext audit = sp.GetRequiredService<AuditContext>();
            audit.Downstream = options.BaseUrl.Host;
            audit.BackendIdentity ??= options.Email;
            HttpClient http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(JiraGateway.HttpClientName);
            // OAuth apps on Jira Cloud call Atlassian's API gateway; the gateway adds ex/jira/<cloudId>/ to each path.
            http.BaseAddress = options.UsesCloudGateway ? options.CloudApiUrl : options.BaseUrl;
            return new JiraGateway(http, options, (name, id) => audit.BackendIdentity = name is null ? id : $"{name} ({id})",
                sp.GetRequiredService<ILogger<JiraGateway>>());
        });
        services.AddBackendCredential(JiraGateway.HttpClientName, sp => sp.GetRequiredService<JiraOptions>() switch
        {
            { OAuth: not null } => sp.GetRequiredService<OAuthCredential>(),
            { ApiToken: { } token, Email: { } email } => new BasicCredential(email, token, "Jira"),
            { PersonalAccessToken: { } pat } => new BearerCredential(pat, "Jira"),
            _ => null,
        });
        services.AddSingleton<IServerCheck, JiraServerCheck>();
        return services;
    }

    /// <summary>The <c>jira_*</c> tools, each only when Jira is the provider (read from the configuration: --print-tools needs no Jira settings).</summary>
    public static ToolCatalog AddJiraTools(this ToolCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog
            .AddWhen<SearchIssuesTool>(IsJira)
            .AddWhen<GetIssueTool>(IsJira)
            .AddWhen<ListCommentsTool>(IsJira)
            .AddWhen<ListProjectsTool>(IsJira)
            .AddWhen<ListTransitionsTool>(IsJira)
            .AddWhen<CreateIssueTool>(IsJira)
            .AddWhen<AddCommentTool>(IsJira)
            .AddWhen<TransitionIssueTool>(IsJira)
            .AddWhen<UpdateIssueTool>(IsJira)
            .AddWhen<AssignIssueTool>(IsJira)
            .AddSource(services => IsJira(services) ? SearchJqlTool.WhenEnabled(services) : []);
    }

    private static readonly Func<IServiceProvider, bool> IsJira = TicketingOptions.Is(TicketingProvider.Jira);
}

/// <summary>Output and parameter types of the <c>jira_*</c> tools.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SearchIssuesTool.Output), TypeInfoPropertyName = "SearchIssuesOutput")] // also jira_search_jql's
[JsonSerializable(typeof(IssueDetail))]
[JsonSerializable(typeof(ListCommentsTool.Output), TypeInfoPropertyName = "ListCommentsOutput")]
[JsonSerializable(typeof(ProjectList))]
[JsonSerializable(typeof(TransitionList))]
[JsonSerializable(typeof(CreateIssueTool.Output), TypeInfoPropertyName = "CreateIssueOutput")]
[JsonSerializable(typeof(AddCommentTool.Output), TypeInfoPropertyName = "AddCommentOutput")]
[JsonSerializable(typeof(TransitionIssueTool.Output), TypeInfoPropertyName = "TransitionIssueOutput")]
[JsonSerializable(typeof(UpdateIssueTool.Output), TypeInfoPropertyName = "UpdateIssueOutput")]
[JsonSerializable(typeof(AssignIssueTool.Output), TypeInfoPropertyName = "AssignIssueOutput")]
// Parameter types of the tools.
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(bool?))]
internal sealed partial class JiraToolJsonContext : JsonSerializerContext;
