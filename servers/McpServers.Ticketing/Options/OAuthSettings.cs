using Microsoft.Extensions.Configuration;

namespace McpServers.Ticketing.Options;

/// <summary>
/// OAuth 2.0 authorization code with PKCE (RFC 7636) for acting as the signed-in user: Atlassian Cloud "OAuth 2.0
/// (3LO) apps" or a Jira Data Center incoming link. The refresh token lives in <see cref="TokenFile"/> (user-only
/// permissions); access tokens only in memory.
/// </summary>
public sealed record OAuthSettings
{
    public required string ClientId { get; init; }

    /// <summary>Confidential clients only (Atlassian 3LO requires one); PKCE is used either way.</summary>
    public string? ClientSecret { get; init; }

    public required Uri AuthorizationEndpoint { get; init; }

    public required Uri TokenEndpoint { get; init; }

    /// <summary>Space-separated; include <c>offline_access</c> so a refresh token is issued.</summary>
    public required string Scopes { get; init; }

    /// <summary>Atlassian Cloud needs <c>audience=api.atlassian.com</c>; empty for Data Center.</summary>
    public string? Audience { get; init; }

    /// <summary>The loopback port of the redirect URI <c>http://127.0.0.1:{port}/callback</c>; 0 picks a free one.</summary>
    public int RedirectPort { get; init; }

    public required string TokenFile { get; init; }

    public static string DefaultTokenFile => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "mcp-ticketing", "jira-refresh-token");

    internal static OAuthSettings? FromConfiguration(IConfigurationSection section, List<string> problems)
    {
        string? clientId = JiraOptions.Blank(section["ClientId"]);
        if (clientId is null)
        {
            return null;
        }

        Uri? Endpoint(string key)
        {
            if (Uri.TryCreate(section[key], UriKind.Absolute, out Uri? uri) && (uri.Scheme == "https" || uri.IsLoopback))
            {
                return uri;
            }

            problems.Add($"Jira:OAuth:{key} must be an https URL (the authorization server's {key}).");
            return null;
        }

        Uri? authorize = Endpoint("AuthorizationEndpoint");
        Uri? token = Endpoint("TokenEndpoint");
        int port = 0;
        if (section["RedirectPort"] is { Length: > 0 } portText
            && (!int.TryParse(portText, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 0 or > 65535))
        {
            problems.Add("Jira:OAuth:RedirectPort must be a port number (0 picks a free one).");
        }

        return authorize is null || token is null ? null : new OAuthSettings
        {
            ClientId = clientId,
            ClientSecret = JiraOptions.Blank(section["ClientSecret"]),
            AuthorizationEndpoint = authorize,
            TokenEndpoint = token,
            Scopes = JiraOptions.Blank(section["Scopes"]) ?? "read:jira-work write:jira-work read:jira-user offline_access",
            Audience = JiraOptions.Blank(section["Audience"]),
            RedirectPort = port,
            TokenFile = JiraOptions.Blank(section["TokenFile"]) ?? DefaultTokenFile,
        };
    }
}
