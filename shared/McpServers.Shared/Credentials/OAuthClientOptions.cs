using Microsoft.Extensions.Configuration;

namespace McpServers.Shared.Credentials;

/// <summary>
/// An OAuth 2.0 client (section <c>&lt;server section&gt;:OAuth</c>): who the server is to the authorization server
/// and where that server's endpoints are. The client secret is a secret setting (environment or <c>_FILE</c> only).
/// </summary>
public sealed class OAuthClientOptions
{
    public string? ClientId { get; set; }

    /// <summary>Confidential clients only; PKCE is used either way.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Where the browser signs in (authorization code with PKCE).</summary>
    public string? AuthorizationEndpoint { get; set; }

    public string? TokenEndpoint { get; set; }

    /// <summary>RFC 8628 device authorization endpoint, for <c>login --device-code</c>.</summary>
    public string? DeviceAuthorizationEndpoint { get; set; }

    /// <summary>RFC 7009 revocation endpoint: <c>logout</c> revokes the refresh token there.</summary>
    public string? RevocationEndpoint { get; set; }

    /// <summary>Space-separated scopes; include <c>offline_access</c> where the provider needs it for a refresh token.</summary>
    public string? Scopes { get; set; }

    /// <summary>The <c>audience</c> authorize parameter (the API a token is for, where the provider asks for one).</summary>
    public string? Audience { get; set; }

    /// <summary>Further authorize parameters the provider needs, e.g. <c>AuthorizeParameters:prompt=consent</c>.</summary>
    public Dictionary<string, string> AuthorizeParameters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The loopback port of the redirect URI <c>http://127.0.0.1:{port}/callback</c>; 0 picks a free one.</summary>
    public int RedirectPort { get; set; }

    /// <summary>Where the sign-in (refresh token) is kept, readable only by the user; empty for the server's default.</summary>
    public string? TokenFile { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>Reads the section (AOT-safe: the configuration binding generator).</summary>
    public static OAuthClientOptions From(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new OAuthClientOptions();
        section.Bind(options);
        return options;
    }

    /// <summary>What is wrong, each naming <c>Section:Key</c>; <paramref name="userSignIn"/> also needs the browser endpoint.</summary>
    public IReadOnlyList<string> Problems(string section, bool userSignIn)
    {
        var problems = new List<string>();
        if (!IsConfigured)
        {
            problems.Add($"{section}:ClientId is required (the OAuth client id registered with the authorization server).");
        }

        Endpoint(TokenEndpoint, "TokenEndpoint", required: true);
        Endpoint(AuthorizationEndpoint, "AuthorizationEndpoint", required: userSignIn);
        Endpoint(DeviceAuthorizationEndpoint, "DeviceAuthorizationEndpoint", required: false);
        Endpoint(RevocationEndpoint, "RevocationEndpoint", required: false);
        if (RedirectPort is < 0 or > 65535)
        {
            problems.Add($"{section}:RedirectPort must be a port number (0 picks a free one).");
        }

        foreach (string key in AuthorizeParameters.Keys.Where(k => Reserved.Contains(k)))
        {
            problems.Add($"{section}:AuthorizeParameters:{key} is set by the sign-in itself; remove it.");
        }

        return problems;

        void Endpoint(string? value, string key, bool required)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                {
                    problems.Add($"{section}:{key} is required (the authorization server's {key}, an https URL).");
                }
            }
            else if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
                || !string.IsNullOrEmpty(uri.UserInfo))
            {
                // Tokens and the client secret travel to these URLs: plain http only to this machine.
                problems.Add($"{section}:{key} must be an https URL (http only on 127.0.0.1), without user info.");
            }
        }
    }

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method",
    };

    /// <summary>Never prints the client secret.</summary>
    public override string ToString() => $"OAuthClientOptions {{ ClientId = {ClientId}, TokenEndpoint = {TokenEndpoint}, Scopes = {Scopes} }}";
}
