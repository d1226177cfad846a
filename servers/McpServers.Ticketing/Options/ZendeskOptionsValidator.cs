using Microsoft.Extensions.Options;

namespace McpServers.Ticketing.Options;

/// <summary>Start-up checks of <see cref="ZendeskOptions"/>: every problem names the setting (<c>Zendesk:Key</c>, or its environment name) to fix.</summary>
public sealed class ZendeskOptionsValidator : IValidateOptions<ZendeskOptions>
{
    public ValidateOptionsResult Validate(string? name, ZendeskOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.BaseUrl is null && options.Subdomain is null)
        {
            problems.Add("Zendesk:Subdomain (or ZENDESK_SUBDOMAIN) or Zendesk:BaseUrl is required, e.g. acme or https://acme.zendesk.com.");
        }
        else if (options.BaseUrl is not null && options.Subdomain is not null)
        {
            problems.Add("Set Zendesk:Subdomain (ZENDESK_SUBDOMAIN) or Zendesk:BaseUrl, not both.");
        }
        else if (options.Subdomain is { } subdomain && !IsSubdomain(subdomain))
        {
            problems.Add("Zendesk:Subdomain (ZENDESK_SUBDOMAIN) must be the account's subdomain only, e.g. acme for https://acme.zendesk.com.");
        }
        else if (options.BaseUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Query)))
        {
            problems.Add("Zendesk:BaseUrl must be an absolute http(s) URL without credentials or query, e.g. https://acme.zendesk.com.");
        }

        if (options.OAuth is { } oauth)
        {
            problems.AddRange(oauth.Problems(ZendeskOptions.OAuthSection, userSignIn: true));
            if (options.ApiToken is not null)
            {
                problems.Add("Zendesk:OAuth:ClientId is set: remove ZENDESK_API_TOKEN, or remove the OAuth settings.");
            }
        }
        else if (options.ApiToken is not null && options.Email is null)
        {
            problems.Add("ZENDESK_API_TOKEN (Zendesk:ApiToken) needs the agent's e-mail in ZENDESK_EMAIL (Zendesk:Email).");
        }
        else if (options.ApiToken is null)
        {
            problems.Add("No Zendesk credentials: set ZENDESK_EMAIL and ZENDESK_API_TOKEN (an API token from Admin Center), or Zendesk:OAuth:ClientId for sign-in with mcp-ticketing login.");
        }

        OptionRanges.Check("Zendesk", nameof(options.MaxResults), options.MaxResults, 1, 100, problems);
        OptionRanges.Check("Zendesk", nameof(options.DefaultMaxResults), options.DefaultMaxResults, 1, Math.Clamp(options.MaxResults, 1, 100), problems);
        OptionRanges.Check("Zendesk", nameof(options.MaxComments), options.MaxComments, 0, 100, problems);
        OptionRanges.Check("Zendesk", nameof(options.MaxTextChars), options.MaxTextChars, 200, 1_000_000, problems);
        if (problems.Count > 0)
        {
            problems.Add("Run mcp-ticketing --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>A Zendesk subdomain: a DNS label (letters, digits, hyphens), lower case.</summary>
    internal static bool IsSubdomain(string value) =>
        value.Length is > 0 and <= 63 && value[0] != '-' && value[^1] != '-' && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}

/// <summary>The "whole number from … to …" check every provider's validator makes.</summary>
internal static class OptionRanges
{
    public static void Check(string section, string key, int value, int min, int max, List<string> problems)
    {
        if (value < min || value > max)
        {
            problems.Add($"{section}:{key} must be a whole number from {min} to {max}.");
        }
    }
}
