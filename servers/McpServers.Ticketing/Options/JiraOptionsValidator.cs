using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Ticketing.Options;

/// <summary>Start-up checks of <see cref="JiraOptions"/>: every problem names the setting (<c>Jira:Key</c>, or its environment name) to fix.</summary>
public sealed class JiraOptionsValidator : IValidateOptions<JiraOptions>
{
    public ValidateOptionsResult Validate(string? name, JiraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.BaseUrl is null)
        {
            problems.Add("Jira:BaseUrl (or JIRA_URL) is required, e.g. https://your-site.atlassian.net.");
        }
        else if (!IsHttp(options.BaseUrl) || !string.IsNullOrEmpty(options.BaseUrl.UserInfo) || !string.IsNullOrEmpty(options.BaseUrl.Query))
        {
            problems.Add("Jira:BaseUrl must be an absolute http(s) URL without credentials or query, e.g. https://your-site.atlassian.net.");
        }

        if (options.CloudApiUrl is null || !IsHttp(options.CloudApiUrl))
        {
            problems.Add("Jira:CloudApiUrl must be an absolute http(s) URL (default https://api.atlassian.com/).");
        }

        if (options.SiteUrl is not null && !IsHttp(options.SiteUrl))
        {
            problems.Add("Jira:SiteUrl must be an absolute http(s) URL, e.g. https://your-site.atlassian.net.");
        }

        // The OAuth client settings are the shared sign-in's (Jira:OAuth); their problems are reported here with the others.
        if (options.OAuth is { } oauth)
        {
            problems.AddRange(oauth.Problems(JiraOptions.OAuthSection, userSignIn: true));
        }

        problems.AddRange(CredentialProblems(options, oauthConfigured: options.OAuth is not null));

        if (options.Projects.Count == 0)
        {
            problems.Add("Jira:Projects (or JIRA_PROJECTS) is required: the comma-separated project keys the model may use, e.g. OPS,WEB.");
        }

        foreach (string key in options.Projects.Where(p => !JiraOptions.ProjectKeyPattern().IsMatch(p)))
        {
            problems.Add($"Jira:Projects: '{key}' is not a project key (upper-case letters, digits, underscore, starting with a letter).");
        }

        OptionRanges.Check("Jira", nameof(options.MaxResults), options.MaxResults, 1, 1000, problems);
        OptionRanges.Check("Jira", nameof(options.DefaultMaxResults), options.DefaultMaxResults, 1, Math.Clamp(options.MaxResults, 1, 1000), problems);
        OptionRanges.Check("Jira", nameof(options.MaxComments), options.MaxComments, 0, 100, problems);
        OptionRanges.Check("Jira", nameof(options.MaxTextChars), options.MaxTextChars, 200, 1_000_000, problems);
        if (problems.Count > 0)
        {
            problems.Add("Run mcp-ticketing --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static IEnumerable<string> CredentialProblems(JiraOptions options, bool oauthConfigured)
    {
        if (oauthConfigured)
        {
            if (options.ApiToken is not null || options.PersonalAccessToken is not null)
            {
                yield return "Jira:OAuth:ClientId is set: remove JIRA_API_TOKEN / JIRA_PAT, or remove the OAuth settings.";
            }
        }
        else if (options.ApiToken is not null && options.PersonalAccessToken is not null)
        {
            yield return "Set either JIRA_API_TOKEN (Jira:ApiToken, with JIRA_EMAIL) or JIRA_PAT (Jira:PersonalAccessToken), not both.";
        }
        else if (options.ApiToken is not null && options.Email is null)
        {
            yield return "JIRA_API_TOKEN (Jira:ApiToken) needs the account e-mail in JIRA_EMAIL (Jira:Email).";
        }
        else if (options.ApiToken is null && options.PersonalAccessToken is null && !options.Anonymous)
        {
            yield return "No Jira credentials: set JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center), Jira:OAuth:* for sign-in with mcp-ticketing login, or Jira:Anonymous=true for a Jira that allows anonymous access.";
        }
    }

    private static bool IsHttp(Uri url) => url.IsAbsoluteUri && url.Scheme is "https" or "http";
}

public static class JiraOptionsServiceCollectionExtensions
{
    /// <summary>Section <c>Jira</c> into <see cref="JiraOptions"/>, checked at start (<c>Jira:OAuth</c> is the shared sign-in's section).</summary>
    public static IServiceCollection AddJiraOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection jira = configuration.GetSection(JiraOptions.Section);
        services.AddSettings<JiraOptions>(configuration, JiraOptions.Section, new JiraOptionsValidator()).Bind(jira)
            .PostConfigure(o => o.Complete(jira));
        return services;
    }
}
