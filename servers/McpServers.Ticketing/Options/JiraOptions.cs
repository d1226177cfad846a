using System.Globalization;
using System.Text.RegularExpressions;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;

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
/// names <c>JIRA_URL</c>, <c>JIRA_EMAIL</c>, <c>JIRA_API_TOKEN</c>, <c>JIRA_PAT</c>). Read without reflection (NativeAOT).
/// </summary>
public sealed partial record JiraOptions
{
    public const string EnvironmentPrefix = "MCP_TICKETING__";
    public const string Section = "Jira";

    /// <summary>The OAuth client settings (<c>Jira:OAuth:*</c>), read by the shared user sign-in.</summary>
    public const string OAuthSection = "Jira:OAuth";

    public const string DefaultScopes = "read:jira-work write:jira-work read:jira-user offline_access";

    public required Uri BaseUrl { get; init; }

    /// <summary>Where people open issues (browse links); defaults to <see cref="BaseUrl"/>. Differs with OAuth on Cloud,
    /// whose API is called through <c>https://api.atlassian.com/ex/jira/&lt;cloudId&gt;/</c>.</summary>
    public Uri? SiteUrl { get; init; }

    public JiraFlavor Flavor { get; init; }

    /// <summary>Cloud: the Atlassian account e-mail that goes with <see cref="ApiToken"/> (Basic auth).</summary>
    public string? Email { get; init; }

    public string? ApiToken { get; init; }

    /// <summary>Data Center: a personal access token (Bearer auth).</summary>
    public string? PersonalAccessToken { get; init; }

    /// <summary>OAuth 2.0 (authorization code with PKCE) as the signed-in user; see <c>mcp-ticketing login</c>.</summary>
    public OAuthClientOptions? OAuth { get; init; }

    /// <summary>Explicitly serve without credentials (a Jira that allows anonymous browsing).</summary>
    public bool Anonymous { get; init; }

    /// <summary>Project keys the model may see and change; every search is ANDed with <c>project in (...)</c>.</summary>
    public required IReadOnlyList<string> Projects { get; init; }

    /// <summary>Offer <c>jira_search_jql</c>: a raw JQL condition, still ANDed with the allowlist and validated first.</summary>
    public bool AllowRawJql { get; init; }

    public int DefaultMaxResults { get; init; } = 25;

    /// <summary>The administrator's cap per page; the model can ask for fewer, never more.</summary>
    public int MaxResults { get; init; } = 100;

    /// <summary>How many of the newest comments <c>jira_get_issue</c> returns at most.</summary>
    public int MaxComments { get; init; } = 20;

    /// <summary>Descriptions and comments longer than this are cut.</summary>
    public int MaxTextChars { get; init; } = 20_000;

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

    /// <summary>Reads and checks the options; every problem names the setting to fix.</summary>
    public static JiraOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection jira = configuration.GetSection(Section);
        var problems = new List<string>();

        Uri? baseUrl = null;
        string? url = jira["BaseUrl"];
        if (string.IsNullOrWhiteSpace(url))
        {
            problems.Add("Jira:BaseUrl (or JIRA_URL) is required, e.g. https://your-site.atlassian.net.");
        }
        else if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(baseUrl.UserInfo) || !string.IsNullOrEmpty(baseUrl.Query))
        {
            problems.Add("Jira:BaseUrl must be an absolute http(s) URL without credentials or query, e.g. https://your-site.atlassian.net.");
            baseUrl = null;
        }

        Uri? siteUrl = null;
        if (jira["SiteUrl"] is { Length: > 0 } site
            && (!Uri.TryCreate(site.TrimEnd('/') + "/", UriKind.Absolute, out siteUrl) || siteUrl.Scheme is not ("https" or "http")))
        {
            problems.Add("Jira:SiteUrl must be an absolute http(s) URL, e.g. https://your-site.atlassian.net.");
        }

        JiraFlavor flavor = JiraFlavor.Auto;
        if (jira["Flavor"] is { Length: > 0 } flavorText && !Enum.TryParse(flavorText, ignoreCase: true, out flavor))
        {
            problems.Add("Jira:Flavor must be Auto, Cloud or DataCenter.");
        }

        string? email = Blank(jira["Email"]);
        string? apiToken = Blank(jira["ApiToken"]);
        string? pat = Blank(jira["PersonalAccessToken"]);
        bool anonymous = ReadBool(jira, "Anonymous", false, problems);
        bool allowRawJql = ReadBool(jira, "AllowRawJql", false, problems);
        OAuthClientOptions? oauth = OAuthClientOptions.From(jira.GetSection("OAuth")) is { IsConfigured: true } configured ? configured : null;
        if (oauth is not null)
        {
            problems.AddRange(oauth.Problems(OAuthSection, userSignIn: true));
            if (apiToken is not null || pat is not null)
            {
                problems.Add("Jira:OAuth:ClientId is set: remove JIRA_API_TOKEN / JIRA_PAT, or remove the OAuth settings.");
            }
        }
        else if (apiToken is not null && pat is not null)
        {
            problems.Add("Set either JIRA_API_TOKEN (Jira:ApiToken, with JIRA_EMAIL) or JIRA_PAT (Jira:PersonalAccessToken), not both.");
        }
        else if (apiToken is not null && email is null)
        {
            problems.Add("JIRA_API_TOKEN (Jira:ApiToken) needs the account e-mail in JIRA_EMAIL (Jira:Email).");
        }
        else if (apiToken is null && pat is null && !anonymous)
        {
            problems.Add("No Jira credentials: set JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center), Jira:OAuth:* for sign-in with mcp-ticketing login, or Jira:Anonymous=true for a Jira that allows anonymous access.");
        }

        IReadOnlyList<string> projects = ReadList(jira, "Projects");
        if (projects.Count == 0)
        {
            problems.Add("Jira:Projects (or JIRA_PROJECTS) is required: the comma-separated project keys the model may use, e.g. OPS,WEB.");
        }

        foreach (string key in projects.Where(p => !ProjectKeyPattern().IsMatch(p)))
        {
            problems.Add($"Jira:Projects: '{key}' is not a project key (upper-case letters, digits, underscore, starting with a letter).");
        }

        int maxResults = ReadInt(jira, "MaxResults", 100, 1, 1000, problems);
        int defaultMax = ReadInt(jira, "DefaultMaxResults", Math.Min(25, maxResults), 1, maxResults, problems);
        int maxComments = ReadInt(jira, "MaxComments", 20, 0, 100, problems);
        int maxText = ReadInt(jira, "MaxTextChars", 20_000, 200, 1_000_000, problems);

        if (problems.Count > 0)
        {
            throw new ConfigurationException(string.Join(" ", problems) + " Run mcp-ticketing --help for the settings.");
        }

        return new JiraOptions
        {
            BaseUrl = baseUrl!,
            SiteUrl = siteUrl,
            Flavor = flavor,
            Email = email,
            ApiToken = apiToken,
            PersonalAccessToken = pat,
            Anonymous = anonymous,
            OAuth = oauth,
            AllowRawJql = allowRawJql,
            Projects = projects,
            DefaultMaxResults = defaultMax,
            MaxResults = maxResults,
            MaxComments = maxComments,
            MaxTextChars = maxText,
        };
    }

    [GeneratedRegex("^[A-Z][A-Z0-9_]+$")]
    internal static partial Regex ProjectKeyPattern();

    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static IReadOnlyList<string> ReadList(IConfigurationSection section, string key)
    {
        IConfigurationSection child = section.GetSection(key);
        IEnumerable<string?> items = child.Value is { } text ? text.Split(',') : child.GetChildren().Select(c => c.Value);
        return [.. items.Select(i => i?.Trim() ?? "").Where(i => i.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    private static bool ReadBool(IConfigurationSection section, string key, bool fallback, List<string> problems)
    {
        string? text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (bool.TryParse(text, out bool value))
        {
            return value;
        }

        problems.Add($"Jira:{key} must be true or false.");
        return fallback;
    }

    private static int ReadInt(IConfigurationSection section, string key, int fallback, int min, int max, List<string> problems)
    {
        string? text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add($"Jira:{key} must be a whole number from {min} to {max}.");
        return fallback;
    }
}
