namespace McpServers.Shared.Http;

/// <summary>Per-request switches understood by clients registered with <c>AddBackendHttpClient</c>.</summary>
public static class BackendHttp
{
    /// <summary>
    /// Set to <c>true</c> on a POST or PATCH that the backend treats as idempotent (e.g. a search sent as POST) so
    /// that it may be retried. Without it, such requests are sent exactly once: a retry could create a second issue.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("McpServers.BackendHttp.Idempotent");

    /// <summary>Marks <paramref name="request"/> as safe to retry; returns it for chaining.</summary>
    public static HttpRequestMessage MarkIdempotent(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(Idempotent, true);
        return request;
    }

    /// <summary>Whether a request may be sent again: RFC 9110 idempotent methods, or an explicit opt-in.</summary>
    public static bool IsIdempotent(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        HttpMethod method = request.Method;
        if (method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
            || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Trace)
        {
            return true;
        }

        return request.Options.TryGetValue(Idempotent, out bool optedIn) && optedIn;
    }
}
