using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using Microsoft.Extensions.Logging;

namespace McpServers.Communication.Slack.Backend;

/// <summary>
/// The Slack Web API over the suite's backend HTTP client: reads as GET with form-style query arguments (retried by the
/// shared client on a 429, honouring Retry-After), writes as one JSON POST (never retried). Every answer is HTTP 200 with
/// <c>ok</c>; an <c>ok: false</c> is mapped by <see cref="SlackErrors"/>. The token travels in the Authorization header,
/// set by <see cref="SlackCredential"/>, never in a URL.
/// </summary>
internal sealed class SlackApi(HttpClient http, SlackOptions options, ILogger<SlackApi> logger)
{
    internal const string System = "Slack";

    public SlackOptions Options => options;

    public Task<T> GetAsync<T>(string method, IEnumerable<KeyValuePair<string, string?>> arguments, JsonTypeInfo<T> type, SlackTokenKind token,
        CancellationToken cancellationToken) where T : SlackResponse
    {
        string query = string.Join('&', arguments.Where(a => a.Value is not null)
            .Select(a => Uri.EscapeDataString(a.Key) + "=" + Uri.EscapeDataString(a.Value!)));
        var request = new HttpRequestMessage(HttpMethod.Get, query.Length == 0 ? method : method + "?" + query);
        return SendAsync(request, method, type, token, cancellationToken);
    }

    public Task<T> PostJsonAsync<TBody, T>(string method, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<T> type, SlackTokenKind token,
        CancellationToken cancellationToken) where T : SlackResponse
    {
        var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, bodyType), Encoding.UTF8, "application/json"),
        };
        return SendAsync(request, method, type, token, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, string method, JsonTypeInfo<T> type, SlackTokenKind token,
        CancellationToken cancellationToken) where T : SlackResponse
    {
        using (request)
        {
            request.Options.Set(SlackCredential.Token, token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using HttpResponseMessage response = await http.SendToBackendAsync(request, System,
                (failed, _) => Task.FromResult<Exception?>(HttpError(failed, method)), cancellationToken);
            T body = await response.ReadJsonAsync(type, System, cancellationToken);
            if (!body.Ok)
            {
                string code = SlackErrors.Code(body.Error);
                Log.ApiError(logger, method, code);
                throw SlackErrors.Map(code, body.Needed, body.Provided, token, RetryAfter.Parse(response.Headers));
            }

            return body;
        }
    }

    /// <summary>A non-200: Slack sends 429 with Retry-After when a method's rate-limit tier is exceeded.</summary>
    private Exception? HttpError(HttpResponseMessage response, string method)
    {
        Log.HttpError(logger, method, (int)response.StatusCode);
        return response.StatusCode == HttpStatusCode.TooManyRequests
            ? SlackErrors.Map("ratelimited", null, null, SlackTokenKind.Bot, RetryAfter.Parse(response.Headers))
            : null;
    }
}

/// <summary>
/// Puts the configured bot or user token on each request (the one the request asks for), through the shared credential
/// handler, so it travels only to Slack's own origin.
/// </summary>
internal sealed class SlackCredential(SlackOptions options) : ICredential
{
    public static readonly HttpRequestOptionsKey<SlackTokenKind> Token = new("McpServers.Slack.Token");

    public ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        SlackTokenKind kind = request.Options.TryGetValue(Token, out SlackTokenKind asked) ? asked : options.ReadToken;
        string token = (kind == SlackTokenKind.Bot ? options.BotToken : options.UserToken)
            ?? throw new BackendException(BackendErrorKind.Unauthorized, $"No Slack token for this: an administrator must set {SlackOptions.TokenSetting(kind)}.");
        request.Headers.Authorization = BackendHttp.Authorization("Bearer", token, SlackApi.System);
        return ValueTask.CompletedTask;
    }

    public bool Refused(HttpRequestMessage request) => false;
}
