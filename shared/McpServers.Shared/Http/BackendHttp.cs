using System.Net.Http.Headers;
using McpServers.Shared.Errors;

namespace McpServers.Shared.Http;

/// <summary>Per-request switches understood by clients registered with <c>AddBackendHttpClient</c>.</summary>
public static class BackendHttp
{
    /// <summary>
    /// Set to <c>true</c> on a POST or PATCH that the backend treats as idempotent (e.g. a search sent as POST) so
    /// that it may be retried. Without it, such requests are sent exactly once: a retry could create a second issue.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("McpServers.BackendHttp.Idempotent");

    /// <summary>The backend's name as users know it (e.g. <c>Jira</c>), used in the safe messages of the response guard.</summary>
    public static readonly HttpRequestOptionsKey<string> SystemName = new("McpServers.BackendHttp.SystemName");

    /// <summary>
    /// The service's base URL. A redirect to the same scheme, host and port and under this path may be followed (GET
    /// and HEAD only, up to <see cref="BackendHttpOptions.MaxRedirects"/> hops); without it every redirect is an error.
    /// </summary>
    public static readonly HttpRequestOptionsKey<Uri> BaseAddress = new("McpServers.BackendHttp.BaseAddress");

    /// <summary>Marks a token request: its response is capped at <see cref="BackendHttpOptions.MaxTokenResponseBytes"/>.</summary>
    public static readonly HttpRequestOptionsKey<bool> TokenRequest = new("McpServers.BackendHttp.TokenRequest");

    /// <summary>Marks a GET whose redirect to an allowlisted download host may be followed; see <see cref="AllowCrossHostDownload"/>.</summary>
    public static readonly HttpRequestOptionsKey<bool> CrossHostDownload = new("McpServers.BackendHttp.CrossHostDownload");

    /// <summary>Marks <paramref name="request"/> as safe to retry; returns it for chaining.</summary>
    public static HttpRequestMessage MarkIdempotent(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(Idempotent, true);
        return request;
    }

    /// <summary>
    /// Marks <paramref name="request"/> as never to be sent twice although its method is idempotent by RFC 9110 (a PUT
    /// that adds a comment and e-mails it); returns it for chaining.
    /// </summary>
    public static HttpRequestMessage MarkNotIdempotent(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(Idempotent, false);
        return request;
    }

    /// <summary>Marks <paramref name="request"/> as a token request (smaller response cap); returns it for chaining.</summary>
    public static HttpRequestMessage MarkTokenRequest(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(TokenRequest, true);
        return request;
    }

    /// <summary>
    /// Lets a GET follow a redirect to another host, as downloads do (Microsoft Graph <c>/content</c>, Confluence
    /// attachments, presigned storage URLs): only to https, only to a host under one of the administrator's
    /// <see cref="BackendHttpOptions.DownloadHosts"/>, sent as a fresh request with no Authorization, cookies or custom
    /// headers, and capped like any response. Returns the request for chaining.
    /// </summary>
    public static HttpRequestMessage AllowCrossHostDownload(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method != HttpMethod.Get)
        {
            throw new ArgumentException("Only a GET may follow a download redirect.", nameof(request));
        }

        request.Options.Set(CrossHostDownload, true);
        return request;
    }

    /// <summary>Whether a request may be sent again: an explicit mark, else RFC 9110 idempotent methods.</summary>
    public static bool IsIdempotent(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Options.TryGetValue(Idempotent, out bool marked))
        {
            return marked;
        }

        HttpMethod method = request.Method;
        if (method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
            || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Trace)
        {
            return true;
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="value"/> can be sent as an HTTP header value: printable ASCII and tabs only. A line
    /// break would split the header (request smuggling); the handler would otherwise fail with an unmapped exception.
    /// </summary>
    public static bool IsValidHeaderValue(string? value)
    {
        foreach (char c in value ?? "")
        {
            if (c is not ('\t' or (>= ' ' and <= '~')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// An Authorization header value. A credential HTTP cannot carry (a configured secret or a returned token with a
    /// line break) becomes a <see cref="BackendException"/> here, instead of the FormatException .NET would throw,
    /// which would otherwise surface as an internal error.
    /// </summary>
    /// <param name="system">The backend's name as users know it, e.g. <c>Jira</c>.</param>
    public static AuthenticationHeaderValue Authorization(string scheme, string credential, string system) =>
        IsValidHeaderValue(credential)
            ? new AuthenticationHeaderValue(scheme, credential)
            : throw InvalidHeaderValue(system, "Authorization");

    /// <summary>The error for a header value HTTP does not allow; the header's name goes to the diagnostic log only.</summary>
    internal static BackendException InvalidHeaderValue(string system, string header) =>
        new(BackendErrorKind.Invalid,
            $"{system} was not called: a header value (a configured credential, or a token the sign-in server returned) holds a line break or another character HTTP does not allow; an administrator must check the credentials.",
            new HttpRequestException($"The {header} header holds a character HTTP does not allow."));
}
