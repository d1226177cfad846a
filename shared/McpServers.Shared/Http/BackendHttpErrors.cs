using System.Globalization;
using System.Net;
using McpServers.Shared.Errors;
using Polly.Timeout;

namespace McpServers.Shared.Http;

/// <summary>
/// Turns failed backend calls into <see cref="BackendException"/>. The safe messages are written here and never
/// quote the response body, which can hold stack traces, internal host names or the caller's own data.
/// </summary>
public static class BackendHttpErrors
{
    /// <summary>
    /// Sends <paramref name="request"/> and returns the response if it succeeded; otherwise throws a
    /// <see cref="BackendException"/> (the failed response is disposed). Cancellation by the caller is rethrown as is.
    /// </summary>
    /// <param name="system">The backend's name as users know it, e.g. <c>Jira</c>.</param>
    public static Task<HttpResponseMessage> SendToBackendAsync(this HttpClient client, HttpRequestMessage request,
        string system, CancellationToken cancellationToken) =>
        SendToBackendAsync(client, request, system, null, cancellationToken);

    /// <summary>
    /// The one send path of every gateway. The response's headers are awaited, not its body: the body is then read as
    /// a stream (e.g. with <see cref="BackendResponses.ReadJsonAsync"/>), capped in bytes and time by the client. A
    /// redirect, an over-size body or a header value HTTP does not allow is a <see cref="BackendException"/>. The
    /// client's base address, if any, is the root under which a same-origin redirect may be followed.
    /// </summary>
    /// <param name="system">The backend's name as users know it, e.g. <c>Jira</c>.</param>
    /// <param name="mapError">
    /// The backend's own mapping of an unsuccessful response (e.g. the field messages of a 400); null, or a null
    /// result, falls back to <see cref="ToException"/>. The response is disposed afterwards.
    /// </param>
    public static async Task<HttpResponseMessage> SendToBackendAsync(this HttpClient client, HttpRequestMessage request,
        string system, Func<HttpResponseMessage, CancellationToken, Task<Exception?>>? mapError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(system);
        request.Options.Set(BackendHttp.SystemName, system);
        if (client.BaseAddress is { } baseAddress && !request.Options.TryGetValue(BackendHttp.BaseAddress, out _))
        {
            request.Options.Set(BackendHttp.BaseAddress, baseAddress);
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw FromException(ex, system);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw (mapError is null ? null : await mapError(response, cancellationToken)) ?? ToException(response, system);
        }
    }

    /// <summary>Maps an unsuccessful response by status code. The diagnostic message holds the status, method and path, never the body.</summary>
    public static BackendException ToException(HttpResponseMessage response, string system)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentException.ThrowIfNullOrWhiteSpace(system);
        if (response.IsSuccessStatusCode)
        {
            throw new ArgumentException("The response is a success, not an error.", nameof(response));
        }

        int status = (int)response.StatusCode;
        var diagnostic = new HttpRequestException(
            $"HTTP {status} for {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}",
            null, response.StatusCode);

        TimeSpan? retryAfter = RetryAfter.Parse(response.Headers);
        (BackendErrorKind kind, string message) = response.StatusCode switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableContent =>
                (BackendErrorKind.Invalid, $"{system} rejected the request as invalid; check the arguments."),
            HttpStatusCode.Unauthorized =>
                (BackendErrorKind.Unauthorized, $"{system} did not accept the configured credentials; they may be wrong or expired."),
            HttpStatusCode.Forbidden =>
                (BackendErrorKind.Forbidden, $"{system} denied the configured account access to this resource."),
            HttpStatusCode.NotFound or HttpStatusCode.Gone =>
                (BackendErrorKind.NotFound, $"{system} has no such resource, or the configured account cannot see it."),
            HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed =>
                (BackendErrorKind.Conflict, $"{system} reported a conflict with the current state of the resource; read it again and retry."),
            HttpStatusCode.TooManyRequests =>
                (BackendErrorKind.RateLimited, $"{system} is rate-limiting requests; try again {When(retryAfter)}."),
            HttpStatusCode.RequestTimeout or HttpStatusCode.GatewayTimeout =>
                (BackendErrorKind.TimedOut, $"{system} did not answer in time; try again {When(retryAfter)}."),
            _ when status >= 500 =>
                (BackendErrorKind.Unavailable, $"{system} is unavailable at the moment; try again {When(retryAfter)}."),
            _ when status >= 400 =>
                (BackendErrorKind.Invalid, $"{system} refused the request (HTTP {status})."),
            _ =>
                (BackendErrorKind.Unavailable, $"{system} gave an unexpected response (HTTP {status})."),
        };

        return new BackendException(kind, message, diagnostic, retryAfter);
    }

    /// <summary>Maps a transport failure or timeout (not the caller's own cancellation, which should propagate).</summary>
    public static BackendException FromException(Exception exception, string system)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentException.ThrowIfNullOrWhiteSpace(system);
        return exception switch
        {
            TimeoutRejectedException or OperationCanceledException or TimeoutException =>
                new BackendException(BackendErrorKind.TimedOut, $"{system} did not answer in time; try again later.", exception),
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } =>
                new BackendException(BackendErrorKind.Unavailable,
                    $"The secure connection to {system} failed; an administrator may need to configure a CA bundle or client certificate.", exception),
            HttpRequestException { HttpRequestError: HttpRequestError.ProxyTunnelError } =>
                new BackendException(BackendErrorKind.Unavailable,
                    $"{system} could not be reached through the configured proxy.", exception),
            _ =>
                new BackendException(BackendErrorKind.Unavailable, $"{system} could not be reached; try again later.", exception),
        };
    }

    private static string When(TimeSpan? retryAfter) => retryAfter is { } wait
        ? string.Create(CultureInfo.InvariantCulture, $"in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s")
        : "later";
}
