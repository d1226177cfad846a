using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Options;

/// <summary>
/// The Zendesk provider's settings, under <c>Zendesk:</c> (environment <c>MCP_TICKETING__Zendesk__Subdomain</c>, or the
/// vendor names <c>ZENDESK_SUBDOMAIN</c>, <c>ZENDESK_EMAIL</c>, <c>ZENDESK_API_TOKEN</c>). Checked at start by
/// <see cref="ZendeskOptionsValidator"/>.
/// </summary>
public sealed record ZendeskOptions
{
    public const string Section = "Zendesk";

    /// <summary>The OAuth client settings (<c>Zendesk:OAuth:*</c>), read by the shared user sign-in.</summary>
    public const string OAuthSection = "Zendesk:OAuth";

    public const string DefaultScopes = "read write";

    /// <summary>The Zendesk account's address, e.g. <c>https://acme.zendesk.com</c>; or <see cref="Subdomain"/>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The account's subdomain (<c>acme</c> for acme.zendesk.com); or <see cref="BaseUrl"/>.</summary>
    public string? Subdomain { get; set; }

    /// <summary>The agent's e-mail that goes with <see cref="ApiToken"/> (<c>{email}/token:{api_token}</c> Basic auth).</summary>
    public string? Email { get; set; }

    public string? ApiToken { get; set; }

    /// <summary>OAuth as the signed-in agent (<c>mcp-ticketing login</c>); null unless <c>Zendesk:OAuth:ClientId</c> is set.</summary>
    internal OAuthClientOptions? OAuth { get; set; }

    /// <summary>Tickets per page when the model does not ask; unset: 25, or <see cref="MaxResults"/> when that is lower.</summary>
    public int DefaultMaxResults { get; set; } = 25;

    /// <summary>The administrator's cap per page (Zendesk's Search API allows at most 100).</summary>
    public int MaxResults { get; set; } = 100;

    /// <summary>How many of the newest comments <c>zendesk_get_ticket</c> returns at most.</summary>
    public int MaxComments { get; set; } = 20;

    /// <summary>Descriptions and comments longer than this are cut.</summary>
    public int MaxTextChars { get; set; } = 20_000;

    /// <summary>Where the API and the agent's ticket pages live: <see cref="BaseUrl"/>, or the subdomain's zendesk.com address.</summary>
    internal Uri Site => BaseUrl ?? SiteOf(Subdomain);

    public string AuthDescription => OAuth is not null ? "OAuth sign-in" : ApiToken is not null ? "API token" : "none";

    /// <summary>The settings that hold the credentials, named in "fix this" messages.</summary>
    public string CredentialSettings => OAuth is not null
        ? "the OAuth sign-in (run mcp-ticketing login)"
        : "ZENDESK_EMAIL / ZENDESK_API_TOKEN (Zendesk:Email, Zendesk:ApiToken)";

    /// <summary>Never prints a credential.</summary>
    public override string ToString() =>
        $"ZendeskOptions {{ Site = {(BaseUrl is null && Subdomain is null ? "(unset)" : Site)}, Auth = {AuthDescription}, MaxResults = {MaxResults} }}";

    /// <summary>After binding: trimmed values, the URL with a trailing slash, the OAuth sign-in with Zendesk's endpoints, the page default.</summary>
    internal void Complete(IConfiguration zendesk)
    {
        Email = JiraOptions.Blank(Email);
        ApiToken = JiraOptions.Blank(ApiToken);
        Subdomain = JiraOptions.Blank(Subdomain)?.ToLowerInvariant();
        if (BaseUrl is { IsAbsoluteUri: true } url && !url.AbsolutePath.EndsWith('/'))
        {
            BaseUrl = new Uri(url.OriginalString.TrimEnd('/') + "/");
        }

        OAuth = OAuthClientOptions.From(zendesk.GetSection(nameof(OAuth))) is { IsConfigured: true } oauth ? oauth : null;
        if (OAuth is not null && (BaseUrl is not null || Subdomain is not null))
        {
            WithZendeskEndpoints(OAuth, Site);
        }

        if (string.IsNullOrWhiteSpace(zendesk[nameof(DefaultMaxResults)]))
        {
            DefaultMaxResults = Math.Min(DefaultMaxResults, MaxResults);
        }
    }

    /// <summary>
    /// Zendesk's OAuth endpoints ("Using OAuth authentication with your application", Zendesk developer docs) are on the
    /// account's own host: <c>/oauth/authorizations/new</c> and <c>/oauth/tokens</c>; settings that name others win.
    /// </summary>
    internal static void WithZendeskEndpoints(OAuthClientOptions oauth, Uri site)
    {
        if (string.IsNullOrWhiteSpace(oauth.AuthorizationEndpoint))
        {
            oauth.AuthorizationEndpoint = new Uri(site, "oauth/authorizations/new").ToString();
        }

        if (string.IsNullOrWhiteSpace(oauth.TokenEndpoint))
        {
            oauth.TokenEndpoint = new Uri(site, "oauth/tokens").ToString();
        }
    }

    /// <summary>The site as the configuration names it, for the sign-in's endpoints; null when neither setting is usable.</summary>
    internal static Uri? SiteOf(IConfiguration zendesk)
    {
        if (Uri.TryCreate(zendesk[nameof(BaseUrl)]?.Trim(), UriKind.Absolute, out Uri? url))
        {
            return url.AbsolutePath.EndsWith('/') ? url : new Uri(url.OriginalString.TrimEnd('/') + "/");
        }

        string? subdomain = JiraOptions.Blank(zendesk[nameof(Subdomain)])?.ToLowerInvariant();
        return subdomain is not null && ZendeskOptionsValidator.IsSubdomain(subdomain) ? SiteOf(subdomain) : null;
    }

    private static Uri SiteOf(string? subdomain) => new($"https://{subdomain}.zendesk.com/");
}

public static class ZendeskOptionsServiceCollectionExtensions
{
    /// <summary>Section <c>Zendesk</c> into <see cref="ZendeskOptions"/>, checked at start (<c>Zendesk:OAuth</c> is the shared sign-in's section).</summary>
    public static IServiceCollection AddZendeskOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection zendesk = configuration.GetSection(ZendeskOptions.Section);
        services.AddSettings<ZendeskOptions>(configuration, ZendeskOptions.Section, new ZendeskOptionsValidator()).Bind(zendesk)
            .PostConfigure(o => o.Complete(zendesk));
        return services;
    }
}
