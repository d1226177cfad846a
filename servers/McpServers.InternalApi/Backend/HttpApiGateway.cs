using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpServers.InternalApi.Options;
using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;

namespace McpServers.InternalApi.Backend;

/// <summary>
/// Sends operation calls through the suite's shared send path (no redirects off the base URL, no cookies, timeouts
/// that cover the body; retries only for idempotent methods, honouring Retry-After), reads bodies up to the byte cap, and maps failures to safe messages. An RFC 7807
/// problem's title and detail are passed on, cleaned, cut and stripped of URLs; nothing else of an error body is.
/// </summary>
public sealed partial class HttpApiGateway(IHttpClientFactory httpClients, RequestBuilder requests,
    InternalApiOptions options, ILogger<HttpApiGateway> logger) : IApiGateway
{
    public const string HttpClientName = "InternalApi";
    public const string SystemName = "The internal API";
    private const int MaxProblemBytes = 16 * 1024;
    private const int MaxProblemChars = 300;
    private static readonly string[] ProblemFields = ["title", "detail"];

    public async Task<ApiResponse> CallAsync(ApiOperation operation, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using HttpRequestMessage request = requests.Build(operation, arguments);
        if (operation.Idempotent)
        {
            // Only set for POST/PATCH by an administrator's override: the shared client then retries it too.
            request.MarkIdempotent();
        }

        if (!operation.SendCredentials)
        {
            // The client's credential handler authenticates every other request.
            request.WithoutCredential();
        }

        // A redirect may only be followed on the base URL's origin and under its path (GET/HEAD); any other is an error.
        request.Options.Set(BackendHttp.BaseAddress, new Uri(options.BaseUrl!));
        HttpClient client = httpClients.CreateClient(HttpClientName);
        using HttpResponseMessage response = await client.SendToBackendAsync(request, SystemName,
            (failed, ct) => MapErrorAsync(operation, failed, ct), cancellationToken);
        (byte[] body, bool truncated) = await ReadCappedAsync(response.Content, options.MaxResponseBytes, cancellationToken);
        return new ApiResponse((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, truncated,
            response.Content.Headers.ContentLength);
    }

    private async Task<Exception?> MapErrorAsync(ApiOperation operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? problem = await ProblemAsync(response, cancellationToken);
        BackendException mapped = BackendHttpErrors.ToException(response, SystemName);
        Log.ServiceError(logger, operation.ToolName, (int)response.StatusCode, problem is not null);
        return problem is null
            ? mapped
            : new BackendException(mapped.Kind, $"{mapped.SafeMessage} The service said: {problem}", mapped.InnerException, mapped.RetryAfter);
    }

    /// <summary>The title and detail of an RFC 7807 body, made safe to show; null when there is none.</summary>
    internal static async Task<string?> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        (byte[] body, bool truncated) = await ReadCappedAsync(response.Content, MaxProblemBytes, cancellationToken);
        if (truncated)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string[] parts = [.. ProblemFields
                .Select(name => document.RootElement.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? Sanitise(v.GetString()) : "")
                .Where(s => s.Length > 0)
                .Distinct(StringComparer.Ordinal)];
            return parts.Length == 0 ? null : string.Join(": ", parts);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Control and bidi characters out, URLs and host:port pairs replaced, one line, cut.</summary>
    internal static string Sanitise(string? text)
    {
        string clean = TextHygiene.Clean(text).ReplaceLineEndings(" ").Trim();
        clean = UrlLike().Replace(clean, "[address]");
        return clean.Length == 0 ? clean : TextHygiene.Truncate(clean, MaxProblemChars);
    }

    internal static async Task<(byte[] Body, bool Truncated)> ReadCappedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        await using Stream stream = await content.ReadAsStreamAsync(cancellationToken);
        byte[] buffer = new byte[maxBytes + 1];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read > maxBytes ? (buffer[..maxBytes], true) : (buffer[..read], false);
    }

    [GeneratedRegex(@"[a-zA-Z][a-zA-Z0-9+.-]*://\S+|\b[\w.-]+\.[a-zA-Z]{2,}:\d{2,5}\b|\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b")]
    private static partial Regex UrlLike();
}
