using System.Text.RegularExpressions;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Documents.Backend.Confluence;

/// <summary>
/// The Confluence source's settings, under <c>Confluence:</c> (environment <c>CONFLUENCE_URL</c>, <c>CONFLUENCE_SPACES</c>,
/// <c>CONFLUENCE_EMAIL</c>, <c>CONFLUENCE_API_TOKEN</c>, <c>CONFLUENCE_PAT</c>). Registered only when <see cref="BaseUrl"/>
/// is set; checked at start by <see cref="ConfluenceOptionsValidator"/>.
/// </summary>
public sealed partial record ConfluenceOptions
{
    public const string Section = "Confluence";

    /// <summary>The OAuth client settings (<c>Confluence:OAuth:*</c>), read by the shared user sign-in.</summary>
    public const string OAuthSection = "Confluence:OAuth";

    public const string DefaultScopes = "read:confluence-content.all write:confluence-content search:confluence read:confluence-space.summary offline_access";

    /// <summary>Required: Cloud <c>https://your-site.atlassian.net</c> (the API is under <c>wiki/</c>), Data Center the site's address.</summary>
    public Uri BaseUrl { get; set; } = null!;

    /// <summary>Where people open pages; defaults to <see cref="BaseUrl"/> (differs with OAuth on Cloud: api.atlassian.com).</summary>
    public Uri? SiteUrl { get; set; }

    public ConfluenceFlavor Flavor { get; set; }

    /// <summary>Space keys the model may read; every call is limited to them. Required.</summary>
    public IReadOnlyList<string> Spaces { get; set; } = [];

    /// <summary>Space keys (a subset of <see cref="Spaces"/>) where pages may be created, updated and commented on. Default none.</summary>
    public IReadOnlyList<string> WritableSpaces { get; set; } = [];

    /// <summary>Cloud: the Atlassian account e-mail that goes with <see cref="ApiToken"/> (Basic auth).</summary>
    public string? Email { get; set; }

    public string? ApiToken { get; set; }

    /// <summary>Data Center: a personal access token (Bearer auth).</summary>
    public string? PersonalAccessToken { get; set; }

    /// <summary>OAuth sign-in (<c>mcp-documents login</c>); read from <c>Confluence:OAuth</c> by the shared sign-in, null unless a client id is set.</summary>
    internal OAuthClientOptions? OAuth { get; set; }

    public string AuthDescription => OAuth is not null ? "OAuth sign-in" : ApiToken is not null ? "API token" : "personal access token";

    /// <summary>The settings that hold the credentials, named in "fix this" messages.</summary>
    public string CredentialSettings => OAuth is not null
        ? "the OAuth sign-in (run mcp-documents login)"
        : ApiToken is not null
        ? "CONFLUENCE_EMAIL / CONFLUENCE_API_TOKEN (Confluence:Email, Confluence:ApiToken)"
        : "CONFLUENCE_PAT (Confluence:PersonalAccessToken)";

    public bool IsWritable(string spaceKey) => WritableSpaces.Contains(spaceKey, StringComparer.Ordinal);

    public bool IsAllowed(string? spaceKey) => spaceKey is not null && Spaces.Contains(spaceKey, StringComparer.Ordinal);

    /// <summary>Never prints a credential.</summary>
    public override string ToString() =>
        $"ConfluenceOptions {{ BaseUrl = {BaseUrl}, Flavor = {Flavor}, Auth = {AuthDescription}, Spaces = [{string.Join(", ", Spaces)}], WritableSpaces = [{string.Join(", ", WritableSpaces)}] }}";

    internal void Complete(IConfiguration confluence)
    {
        Email = Blank(Email);
        ApiToken = Blank(ApiToken);
        PersonalAccessToken = Blank(PersonalAccessToken);
        Spaces = SettingList.Parse(confluence, nameof(Spaces)) ?? [];
        WritableSpaces = SettingList.Parse(confluence, nameof(WritableSpaces)) ?? [];
        BaseUrl = WithSlash(BaseUrl)!;
        SiteUrl = WithSlash(SiteUrl);
        OAuth = OAuthClientOptions.From(confluence.GetSection(nameof(OAuth))) is { IsConfigured: true } configured ? configured : null;
    }

    private static Uri? WithSlash(Uri? url) =>
        url is { IsAbsoluteUri: true } && !url.AbsolutePath.EndsWith('/') && Uri.TryCreate(url.OriginalString.TrimEnd('/') + "/", UriKind.Absolute, out Uri? slashed)
            ? slashed
            : url;

    /// <summary>Confluence space keys: letters and digits (personal spaces start with <c>~</c>, which is not allowed here).</summary>
    [GeneratedRegex("^[A-Za-z0-9]{1,255}$")]
    internal static partial Regex SpaceKeyPattern();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Start-up checks of <see cref="ConfluenceOptions"/>: every problem names the setting and its environment name.</summary>
public sealed class ConfluenceOptionsValidator : IValidateOptions<ConfluenceOptions>
{
    public ValidateOptionsResult Validate(string? name, ConfluenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.BaseUrl is null || !IsHttp(options.BaseUrl) || !string.IsNullOrEmpty(options.BaseUrl.UserInfo) || !string.IsNullOrEmpty(options.BaseUrl.Query))
        {
            problems.Add("Confluence:BaseUrl (or CONFLUENCE_URL) must be an absolute http(s) URL without credentials or query, e.g. https://your-site.atlassian.net.");
        }

        if (options.SiteUrl is not null && !IsHttp(options.SiteUrl))
        {
            problems.Add("Confluence:SiteUrl must be an absolute http(s) URL, e.g. https://your-site.atlassian.net.");
        }

        if (options.OAuth is { } oauth)
        {
            problems.AddRange(oauth.Problems(ConfluenceOptions.OAuthSection, userSignIn: true));
            if (options.ApiToken is not null || options.PersonalAccessToken is not null)
            {
                problems.Add("Confluence:OAuth:ClientId is set: remove CONFLUENCE_API_TOKEN / CONFLUENCE_PAT, or remove the OAuth settings.");
            }
        }
        else if (options.ApiToken is not null && options.PersonalAccessToken is not null)
        {
            problems.Add("Set either CONFLUENCE_API_TOKEN (Confluence:ApiToken, with CONFLUENCE_EMAIL) or CONFLUENCE_PAT (Confluence:PersonalAccessToken), not both.");
        }
        else if (options.ApiToken is not null && options.Email is null)
        {
            problems.Add("CONFLUENCE_API_TOKEN (Confluence:ApiToken) needs the account e-mail in CONFLUENCE_EMAIL (Confluence:Email).");
        }
        else if (options.ApiToken is null && options.PersonalAccessToken is null)
        {
            problems.Add("No Confluence credentials: set CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN (Cloud) or CONFLUENCE_PAT (Data Center), or Confluence:OAuth:* for sign-in with mcp-documents login.");
        }

        if (options.Spaces.Count == 0)
        {
            problems.Add("Confluence:Spaces (or CONFLUENCE_SPACES) is required: the comma-separated space keys the model may read, e.g. ENG,HR.");
        }

        foreach (string key in options.Spaces.Concat(options.WritableSpaces).Where(k => !ConfluenceOptions.SpaceKeyPattern().IsMatch(k)).Distinct())
        {
            problems.Add($"Confluence:Spaces / Confluence:WritableSpaces: '{key}' is not a space key (letters and digits).");
        }

        foreach (string key in options.WritableSpaces.Where(k => !options.IsAllowed(k)))
        {
            problems.Add($"Confluence:WritableSpaces: '{key}' is not in Confluence:Spaces (CONFLUENCE_SPACES); writable spaces must also be readable.");
        }

        if (problems.Count > 0)
        {
            problems.Add("Run mcp-documents --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static bool IsHttp(Uri url) => url.IsAbsoluteUri && url.Scheme is "https" or "http";
}

/// <summary>Which Confluence REST dialect the source speaks.</summary>
public enum ConfluenceFlavor
{
    /// <summary>Cloud when the host is on atlassian.net (or api.atlassian.com); otherwise asks REST v2 once.</summary>
    Auto,

    /// <summary>Confluence Cloud: REST v2 pages/spaces/versions, search through REST v1 CQL with cursor paging.</summary>
    Cloud,

    /// <summary>Confluence Data Center / Server: REST v1 content API, <c>start</c>/<c>limit</c> paging.</summary>
    DataCenter,
}
