using System.Text.RegularExpressions;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Options;

/// <summary>Which Jira REST dialect the server speaks.</summary>
public enum JiraFlavor
{
    /// <summary>Ask <c>/rest/api/2/serverInfo</c> once (deploymentType <c>Cloud</c> or not).</summary>
    Auto,

    /// <summary>Jira Cloud: REST v3, Atlassian Document Format, <c>/search/jql</c> with <c>nextPageToken</c>.</summary>
    Cloud,

    /// <summary>Jira Data Center / Server: REST v2, wiki markup, <c>startAt</c> paging.</summary>
    DataCenter,
}

/// <summary>
/// Every setting of mcp-ticketing, under <c>Jira:</c> (environment <c>MCP_TICKETING__Jira__BaseUrl</c>, or the vendor
/// names <c>JIRA_URL</c>, <c>JIRA_EMAIL</c>, <c>JIRA_API_TOKEN</c>, <c>JIRA_PAT</c>). Bound by the configuration
/// source generator (NativeAOT) and checked at start by <see cref="JiraOptionsValidator"/>.
/// </summary>
public sealed partial record JiraOptions
{
    public const string EnvironmentPrefix = "MCP_TICKETING__";
    public const string Section = "Jira";

    /// <summary>The OAuth client settings (<c>Jira:OAuth:*</c>), read by the shared user sign-in.</summary>
    public const string OAuthSection = "Jira:OAuth";

    public const string DefaultScopes = "read:jira-work write:jira-work read:jira-user offline_access";

    /// <summary>Required: checked at start (<see cref="JiraOptionsValidator"/>), never null once the options are served.</summary>
    public Uri BaseUrl { get; set; } = null!;

    /// <summary>Where people open issues (browse links); defaults to <see cref="BaseUrl"/>. Differs with OAuth on Cloud,
    /// whose API is called through <c>https://api.atlassian.com/ex/jira/&lt;cloudId&gt;/</c>.</summary>
    public Uri? SiteUrl { get; set; }

    public JiraFlavor Flavor { get; set; }

    /// <summary>
    /// Atlassian's API gateway, which OAuth (3LO) apps on Jira Cloud must call: <c>&lt;CloudApiUrl&gt;ex/jira/&lt;cloudId&gt;/</c>,
    /// the cloudId found in <c>oauth/token/accessible-resources</c> for the site in <see cref="BaseUrl"/>.
    /// </summary>
    public Uri CloudApiUrl { get; set; } = new("https://api.atlassian.com/");

    /// <summary>
    /// True when the API is reached through <see cref="CloudApiUrl"/>: OAuth with Atlassian's audience and a site address
    /// in <see cref="BaseUrl"/> (not already a gateway URL). The cloudId is then discovered, never hand-built.
    /// </summary>
    public bool UsesCloudGateway => OAuth is { Audience: "api.atlassian.com" } && BaseUrl is { IsAbsoluteUri: true } site
        && !string.Equals(site.Host, CloudApiUrl.Host, StringComparison.OrdinalIgnoreCase) && site.Host != "api.atlassian.com";

    /// <summary>Cloud: the Atlassian account e-mail that goes with <see cref="ApiToken"/> (Basic auth).</summary>
    public string? Email { get; set; }

    public string? ApiToken { get; set; }

    /// <summary>Data Center: a personal access token (Bearer auth).</summary>
    public string? PersonalAccessToken { get; set; }

    /// <summary>
    /// OAuth 2.0 (authorization code with PKCE, or device code) as the signed-in user; see <c>mcp-ticketing login</c>.
    /// Read from <c>Jira:OAuth</c> by the shared <see cref="OAuthClientOptions"/> (its own settings section), not by
    /// this binder: null unless a client id is set.
    /// </summary>
    internal OAuthClientOptions? OAuth { get; set; }

    /// <summary>Explicitly serve without credentials (a Jira that allows anonymous browsing).</summary>
    public bool Anonymous { get; set; }

    /// <summary>Project keys the model may see and change; every search is ANDed with <c>project in (...)</c>. Required.</summary>
    public IReadOnlyList<string> Projects { get; set; } = [];

    /// <summary>Offer <c>jira_search_jql</c>: a raw JQL condition, still ANDed with the allowlist and validated first.</summary>
    public bool AllowRawJql { get; set; }

    /// <summary>Issues per page when the model does not ask; unset: 25, or <see cref="MaxResults"/> when that is lower.</summary>
    public int DefaultMaxResults { get; set; } = 25;

    /// <summary>The administrator's cap per page; the model can ask for fewer, never more.</summary>
    public int MaxResults { get; set; } = 100;

    /// <summary>How many of the newest comments <c>jira_get_issue</c> returns at most.</summary>
    public int MaxComments { get; set; } = 20;

    /// <summary>Descriptions and comments longer than this are cut.</summary>
    public int MaxTextChars { get; set; } = 20_000;

    public string AuthDescription => OAuth is not null ? "OAuth sign-in" : ApiToken is not null ? "API token" : PersonalAccessToken is not null ? "personal access token" : "anonymous";

    /// <summary>The settings that hold the credentials, named in "fix this" messages.</summary>
    public string CredentialSettings => OAuth is not null
        ? "the OAuth sign-in (run mcp-ticketing login)"
        : ApiToken is not null
        ? "JIRA_EMAIL / JIRA_API_TOKEN (Jira:Email, Jira:ApiToken)"
        : PersonalAccessToken is not null ? "JIRA_PAT (Jira:PersonalAccessToken)" : "JIRA_API_TOKEN or JIRA_PAT (Jira:Anonymous is set)";

    /// <summary>Never prints a credential.</summary>
    public override string ToString() =>
        $"JiraOptions {{ BaseUrl = {BaseUrl}, Flavor = {Flavor}, Auth = {AuthDescription}, Projects = [{string.Join(", ", Projects)}], MaxResults = {MaxResults} }}";

    /// <summary>Reads and checks the options as the server does; a <see cref="ConfigurationException"/> names every setting to fix.</summary>
    public static JiraOptions FromConfiguration(IConfiguration configuration)
    {
        using ServiceProvider services = new ServiceCollection().AddJiraOptions(configuration).BuildServiceProvider();
        return services.GetRequiredService<JiraOptions>();
    }

    /// <summary>After binding: trimmed credentials, the project list, URLs with a trailing slash, the OAuth sign-in, the page default.</summary>
    internal void Complete(IConfiguration jira)
    {
        Email = Blank(Email);
        ApiToken = Blank(ApiToken);
        PersonalAccessToken = Blank(PersonalAccessToken);
        Projects = SettingList.Parse(jira, nameof(Projects)) ?? [];
        BaseUrl = WithSlash(BaseUrl)!;
        SiteUrl = WithSlash(SiteUrl);
        CloudApiUrl = WithSlash(CloudApiUrl)!;
        OAuth = OAuthClientOptions.From(jira.GetSection(nameof(OAuth))) is { IsConfigured: true } configured ? configured : null;
        if (string.IsNullOrWhiteSpace(jira[nameof(DefaultMaxResults)]))
        {
            DefaultMaxResults = Math.Min(DefaultMaxResults, MaxResults);
        }
    }

    private static Uri? WithSlash(Uri? url) =>
        url is { IsAbsoluteUri: true } && !url.AbsolutePath.EndsWith('/') && Uri.TryCreate(url.OriginalString.TrimEnd('/') + "/", UriKind.Absolute, out Uri? slashed)
            ? slashed
            : url;

    [GeneratedRegex("^[A-Z][A-Z0-9_]+$")]
    internal static partial Regex ProjectKeyPattern();

    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
