using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Shared.Text;

namespace McpServers.Crm.Backend.HubSpot;

/// <summary>The send path: JSON in and out, HubSpot's error body mapped, the daily usage headers read.</summary>
internal sealed partial class HubSpotGateway
{
    private const string System = "HubSpot";
    private const int MaxErrorChars = 300;

    private volatile ApiUsage? _usage;

    public ApiUsage? Usage => _usage;

    /// <summary>
    /// Searches, rankings and writes are refused once the day's usage passes <c>Crm:RefuseAtUsageShare</c>; single-record
    /// reads stay allowed. HubSpot resets the daily count at midnight in the account's time zone.
    /// </summary>
    private void RefuseWhenNearLimit()
    {
        if (_usage is { } usage && usage.Limit > 0 && usage.Share >= crm.RefuseAtUsageShare)
        {
            throw new BackendException(BackendErrorKind.RateLimited, string.Create(CultureInfo.InvariantCulture,
                $"HubSpot's daily API limit is nearly used up ({usage.Used} of {usage.Limit} calls); searches, rankings and writes are paused until it resets at midnight in the HubSpot account's time zone. Single-record reads still work."));
        }
    }

    private Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, type, what, idempotent: true, cancellationToken);

    /// <summary>
    /// A search or batch read sent as POST changes nothing, so it is marked idempotent: the shared client retries it on a
    /// 429 (honouring Retry-After) or a 5xx like a GET. Creates and updates are sent exactly once.
    /// </summary>
    private Task<T> PostReadAsync<TBody, T>(string path, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<T> type, string what,
        CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, Json(body, bodyType), type, what, idempotent: true, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, string what, bool idempotent,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        if (idempotent)
        {
            request.MarkIdempotent();
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using HttpResponseMessage response = await http.SendToBackendAsync(request, System,
            (failed, ct) => ErrorAsync(request, failed, what, ct), cancellationToken);
        ReadUsage(response.Headers);
        return await response.ReadJsonAsync(type, System, cancellationToken);
    }

    private static StringContent Json<T>(T value, JsonTypeInfo<T> type) =>
        new(JsonSerializer.Serialize(value, type), Encoding.UTF8, "application/json");

    /// <summary>
    /// <c>X-HubSpot-RateLimit-Daily</c> / <c>-Daily-Remaining</c> (private apps; OAuth requests and searches carry none,
    /// so the last value seen stands).
    /// </summary>
    private void ReadUsage(HttpResponseHeaders headers)
    {
        if (Header(headers, "X-HubSpot-RateLimit-Daily") is { } limit && Header(headers, "X-HubSpot-RateLimit-Daily-Remaining") is { } remaining
            && limit > 0 && remaining >= 0)
        {
            var usage = new ApiUsage(Math.Max(0, limit - remaining), limit);
            _usage = usage;
            if (usage.Share >= crm.WarnAtUsageShare)
            {
                HubSpotLog.Usage(logger, usage.Used, usage.Limit);
            }
        }
    }

    private static long? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out IEnumerable<string>? values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;

    /// <summary>
    /// HubSpot's error body in this server's words. It is read as data: only its category, its cleaned and capped
    /// message (for a VALIDATION_ERROR, which the model can act on) and missing scope names (checked for shape) are used.
    /// </summary>
    private async Task<Exception?> ErrorAsync(HttpRequestMessage request, HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        ReadUsage(response.Headers);
        HsError? body = await response.TryReadErrorJsonAsync(HubSpotJsonContext.Default.HsError, cancellationToken);
        string path = request.RequestUri?.AbsolutePath ?? "";
        HubSpotLog.Error(logger, (int)response.StatusCode, Name(body?.Category ?? body?.ErrorType ?? "-", 40),
            Name(body?.CorrelationId ?? "-", 60), request.Method.Method, path.Contains(options.TokenInfoPath.TrimStart('/'), StringComparison.Ordinal) ? options.TokenInfoPath : path);
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new BackendException(BackendErrorKind.Unauthorized, options.OAuth is not null
                ? "HubSpot did not accept the signed-in user's access; run `mcp-crm login` to sign in again."
                : $"HubSpot did not accept the private-app token; it may be wrong, rotated or revoked. An administrator should check {options.CredentialSettings}."),
            HttpStatusCode.Forbidden => new BackendException(BackendErrorKind.Forbidden, Scopes(body) is { Length: > 0 } scopes
                ? $"HubSpot refused: the access lacks the scopes {scopes}. An administrator must grant them ({(options.OAuth is not null ? "HubSpot:OAuth:Scopes, then `mcp-crm login` again" : "in the private app's settings")})."
                : "HubSpot denied the configured account access to this record or action."),
            HttpStatusCode.NotFound => new BackendException(BackendErrorKind.NotFound, $"{what} was not found or is not visible to you."),
            HttpStatusCode.TooManyRequests => RateLimited(body, RetryAfter.Parse(response.Headers)),
            HttpStatusCode.BadRequest when body?.Category == "OBJECT_NOT_FOUND" =>
                new BackendException(BackendErrorKind.NotFound, $"{what} was not found or is not visible to you."),
            HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableContent => new ToolInputException(Rejection(body)),
            _ => null,
        };
    }

    /// <summary>
    /// A 429: the daily limit (policy DAILY) is not worth retrying before the reset; the ten-second burst limit and
    /// the search limit (per second) are. HubSpot's usage guide does not document Retry-After; it is honoured when sent.
    /// </summary>
    private static BackendException RateLimited(HsError? body, TimeSpan? retryAfter)
    {
        string? policy = body?.PolicyName?.ToUpperInvariant();
        if (policy == "DAILY")
        {
            return new BackendException(BackendErrorKind.RateLimited,
                "HubSpot's daily API limit is used up; try again after midnight in the HubSpot account's time zone.", null, retryAfter);
        }

        TimeSpan wait = retryAfter ?? (policy == "TEN_SECONDLY_ROLLING" ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(1));
        return new BackendException(BackendErrorKind.RateLimited, string.Create(CultureInfo.InvariantCulture,
            $"HubSpot is rate-limiting requests; try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s."), null, wait);
    }

    private static string Rejection(HsError? body)
    {
        string[] messages =
        [
            .. body?.Message is { Length: > 0 } m ? [Line(m, MaxErrorChars)] : Array.Empty<string>(),
            .. (body?.Errors ?? []).Where(e => e.Message is { Length: > 0 }).Take(3).Select(e => Line(e.Message, MaxErrorChars)),
        ];
        return messages.Length == 0
            ? "HubSpot rejected the request as invalid; check the arguments."
            : "HubSpot rejected the request: " + string.Join("; ", messages.Distinct(StringComparer.Ordinal)) + ".";
    }

    /// <summary>The missing scopes a 403 names (<c>context.missingScopes</c>), only those shaped like scope names.</summary>
    private static string Scopes(HsError? body) =>
        string.Join(", ", (body?.Context is { } context && context.TryGetValue("missingScopes", out IReadOnlyList<string>? scopes) ? scopes : [])
            .Where(s => s is { Length: > 0 and <= 80 } && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            .Take(10));

    private static string Line(string? text, int maxChars) => TextHygiene.CleanAndTruncate(text, maxChars).ReplaceLineEndings(" ");

    private static string Name(string? text, int maxChars = 200) => Line(text, maxChars);
}
