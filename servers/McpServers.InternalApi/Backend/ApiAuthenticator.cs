using McpServers.InternalApi.Options;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;

namespace McpServers.InternalApi.Backend;

/// <summary>
/// Adds the configured credentials to a request: an API key (header or query), a fixed bearer token, or an OAuth
/// 2.0 client-credentials token fetched once and cached until shortly before it expires. Every credential is
/// registered with the secret redactor, so it cannot reach a log or a tool result even if echoed by the service.
/// </summary>
public sealed class ApiAuthenticator : IDisposable
{
    private const string TokenEndpoint = "The internal API's token endpoint";
    private static readonly TimeSpan ExpirySkew = TimeSpan.FromSeconds(30);
    private readonly AuthOptions _options;
    private readonly Func<HttpClient> _http;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private (string Token, DateTimeOffset Expires)? _cached;

    public ApiAuthenticator(AuthOptions options, Func<HttpClient> http, SecretRedactor redactor, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(redactor);
        _options = options;
        _http = http;
        _redactor = redactor;
        _time = time;
        redactor.Add(options.ApiKey);
        redactor.Add(options.BearerToken);
        redactor.Add(options.ClientSecret);
    }

    /// <summary>How many tokens were fetched from the token endpoint (for --check and tests).</summary>
    public int TokensFetched { get; private set; }

    public async Task ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (_options.Mode)
        {
            case AuthMode.ApiKey when _options.ApiKeyIn == ApiKeyLocation.Query:
                string separator = string.IsNullOrEmpty(request.RequestUri!.Query) ? "?" : "&";
                request.RequestUri = new Uri(request.RequestUri.OriginalString + separator + Uri.EscapeDataString(_options.ApiKeyName) + "="
                    + Uri.EscapeDataString(_options.ApiKey!), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
                break;
            case AuthMode.ApiKey:
                request.Headers.TryAddWithoutValidation(_options.ApiKeyName, _options.ApiKey);
                break;
            case AuthMode.Bearer:
                request.Headers.Authorization = BackendHttp.Authorization("Bearer", _options.BearerToken!, HttpApiGateway.SystemName);
                break;
            case AuthMode.ClientCredentials:
                request.Headers.Authorization = BackendHttp.Authorization("Bearer", await ClientCredentialsTokenAsync(cancellationToken), HttpApiGateway.SystemName);
                break;
            default:
                break;
        }
    }

    public void Dispose() => _tokenGate.Dispose();

    /// <summary>Drops a cached token the service refused (401), so the next call fetches a fresh one.</summary>
    public void Invalidate() => _cached = null;

    private async Task<string> ClientCredentialsTokenAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && _time.GetUtcNow() < cached.Expires)
        {
            return cached.Token;
        }

        await _tokenGate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && _time.GetUtcNow() < again.Expires)
            {
                return again.Token;
            }

            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "client_credentials"),
                new("client_id", _options.ClientId!),
                new("client_secret", _options.ClientSecret!),
            };
            if (!string.IsNullOrWhiteSpace(_options.Scope))
            {
                form.Add(new("scope", _options.Scope));
            }

            // The shared send path: a redirect is refused (a 307/308 would carry the client secret to another host, a
            // 301/302/303 would fetch another host's token), and the token response is capped.
            using var request = new HttpRequestMessage(HttpMethod.Post, _options.TokenUrl) { Content = new FormUrlEncodedContent(form) };
            request.MarkTokenRequest();
            using HttpResponseMessage response = await _http().SendToBackendAsync(request, TokenEndpoint, static (failed, _) =>
                Task.FromResult<Exception?>(new BackendException(BackendErrorKind.Unauthorized,
                    "The internal API's token endpoint did not accept the configured client credentials.",
                    new HttpRequestException($"Token endpoint answered HTTP {(int)failed.StatusCode}"))), cancellationToken);
            TokenResponse token = await response.ReadJsonAsync(InternalApiJsonContext.Default.TokenResponse, TokenEndpoint, cancellationToken);
            if (string.IsNullOrEmpty(token.AccessToken))
            {
                throw new BackendException(BackendErrorKind.Unauthorized, "The internal API's token endpoint returned no access token.");
            }

            if (!BackendHttp.IsValidHeaderValue(token.AccessToken))
            {
                // A line break in a token cannot be sent in a header (and would split it).
                throw new BackendException(BackendErrorKind.Unauthorized, "The internal API's token endpoint returned an access token that cannot be used.");
            }

            _redactor.Add(token.AccessToken);
            TimeSpan lifetime = TimeSpan.FromSeconds(Math.Clamp(token.ExpiresIn ?? 300, 1, 86_400));
            _cached = (token.AccessToken, _time.GetUtcNow() + lifetime - (lifetime > ExpirySkew * 2 ? ExpirySkew : TimeSpan.Zero));
            TokensFetched++;
            return token.AccessToken;
        }
        finally
        {
            _tokenGate.Release();
        }
    }
}

/// <summary>RFC 6749 §5.1 token response (only the fields used).</summary>
public sealed record TokenResponse(string? AccessToken, string? TokenType, int? ExpiresIn);
