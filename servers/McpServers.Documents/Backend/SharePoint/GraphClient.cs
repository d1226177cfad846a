using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;

namespace McpServers.Documents.Backend.SharePoint;

/// <summary>
/// The few Microsoft Graph v1.0 calls the SharePoint source makes, through the shared backend client (retries with
/// Retry-After, caps, no automatic redirects). Graph's error document is mapped to safe messages; Graph's own message
/// text is never shown (it is the backend's, and can name internals).
/// </summary>
internal sealed class GraphClient(HttpClient http, SharePointOptions options)
{
    public const string System = "Microsoft Graph";
    public const string NotVisible = "The document or folder was not found or is not visible to you.";

    public Uri BaseUrl => options.GraphUrl;

    public async Task<T> GetAsync<T>(string relative, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.GraphUrl, relative));
        using HttpResponseMessage response = await http.SendToBackendAsync(request, System, MapErrorAsync, cancellationToken);
        return await response.ReadJsonAsync(type, System, cancellationToken);
    }

    /// <summary>A nextLink Graph gave: followed only when it stays on the Graph base URL and under <paramref name="expectedPath"/>.</summary>
    public Task<T> GetNextAsync<T>(string nextLink, string expectedPath, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (!IsUnder(nextLink, expectedPath))
        {
            throw new BackendException(BackendErrorKind.Unavailable, $"{System} gave a next page outside this listing; list the folder again.");
        }

        return GetAsync(nextLink, type, cancellationToken);
    }

    /// <summary>Whether <paramref name="link"/> is an absolute URL on the Graph base URL whose path starts with the base path plus <paramref name="expectedPath"/>.</summary>
    public bool IsUnder(string link, string expectedPath) =>
        Uri.TryCreate(link, UriKind.Absolute, out Uri? uri)
        && uri.Scheme == options.GraphUrl.Scheme
        && string.Equals(uri.IdnHost, options.GraphUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
        && uri.Port == options.GraphUrl.Port
        && string.IsNullOrEmpty(uri.UserInfo)
        && uri.AbsolutePath.Equals(new Uri(options.GraphUrl, expectedPath).AbsolutePath, StringComparison.Ordinal);

    public async Task<TResponse> PostAsync<TBody, TResponse>(string relative, TBody body, JsonTypeInfo<TBody> bodyType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        // A search is read-only: safe to retry after a 429 or 503.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.GraphUrl, relative))
        {
            Content = JsonContent.Create(body, bodyType),
        };
        request.MarkIdempotent();
        using HttpResponseMessage response = await http.SendToBackendAsync(request, System, MapErrorAsync, cancellationToken);
        return await response.ReadJsonAsync(responseType, System, cancellationToken);
    }

    /// <summary>
    /// A file's bytes: Graph answers <c>/content</c> with a 302 to a pre-authenticated URL on another host, which the
    /// shared client follows only to an allowlisted https download host and without the Authorization header.
    /// The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> DownloadAsync(string relative, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.GraphUrl, relative)).AllowCrossHostDownload();
        return await http.SendToBackendAsync(request, System, MapErrorAsync, cancellationToken);
    }

    private async Task<Exception?> MapErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        GraphError? error = await response.TryReadErrorJsonAsync(GraphJsonContext.Default.GraphError, cancellationToken);
        string? code = error?.Error?.Code;
        BackendException fallback = BackendHttpErrors.ToException(response, System);
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound or HttpStatusCode.Forbidden or HttpStatusCode.Gone => new BackendException(BackendErrorKind.NotFound, NotVisible, fallback),
            _ when code is "itemNotFound" or "accessDenied" => new BackendException(BackendErrorKind.NotFound, NotVisible, fallback),
            HttpStatusCode.Unauthorized => new BackendException(BackendErrorKind.Unauthorized,
                $"{System} did not accept the SharePoint credentials; {options.CredentialFix}.", fallback),
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => new BackendException(fallback.Kind,
                $"{fallback.SafeMessage?.TrimEnd('.')} (the server already retried as Graph asked).",
                fallback, fallback.RetryAfter),
            _ => null,
        };
    }
}
