using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;

namespace McpServers.Shared.Credentials;

/// <summary>
/// Talks to the authorization server: every grant, the device authorization and revocation, all on the shared send
/// path (no redirects: they would carry a refresh token or the client secret elsewhere; token responses capped) with
/// the one OAuth error hook. Every token it receives is registered with the secret redactor before it is returned.
/// </summary>
public sealed class OAuthTokenClient
{
    private const int MaxKeptFieldChars = 2048;
    private readonly HttpClient _http;
    private readonly OAuthClientOptions _options;
    private readonly SecretRedactor _redactor;
    private readonly OAuthDialect _dialect;
    private readonly HashSet<string> _keptFields;

    /// <param name="dialect">What the provider does beyond the RFCs; null for <see cref="OAuthDialect.Standard"/>.</param>
    public OAuthTokenClient(HttpClient http, OAuthClientOptions options, OAuthMessages messages, SecretRedactor redactor,
        OAuthDialect? dialect = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(redactor);
        _http = http;
        _options = options;
        Messages = messages;
        _redactor = redactor;
        _dialect = dialect ?? OAuthDialect.Standard;
        _keptFields = new HashSet<string>(_dialect.KeptFields, StringComparer.Ordinal);
        redactor.Add(options.ClientSecret);
    }

    public OAuthMessages Messages { get; }

    public OAuthClientOptions Options => _options;

    internal async Task<TokenResponse> ClientCredentialsAsync(CancellationToken cancellationToken) =>
        await TokenAsync([new("grant_type", "client_credentials"), .. Scope()], cancellationToken);

    internal async Task<TokenResponse> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        await TokenAsync([new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], cancellationToken);

    internal async Task<TokenResponse> ExchangeCodeAsync(string code, string verifier, Uri redirectUri, CancellationToken cancellationToken) =>
        await TokenAsync([new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", redirectUri.ToString()),
            new("code_verifier", verifier)], cancellationToken);

    internal async Task<TokenResponse> DeviceTokenAsync(string deviceCode, CancellationToken cancellationToken) =>
        await TokenAsync([new("grant_type", _dialect.DeviceGrantType), new(_dialect.DeviceCodeParameter, deviceCode)], cancellationToken,
            devicePolling: true);

    internal async Task<DeviceAuthorizationResponse> AuthorizeDeviceAsync(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(new Uri(_options.DeviceAuthorizationEndpoint!),
            [.. _dialect.DeviceAuthorizationParameters, .. Scope()], cancellationToken);
        DeviceAuthorizationResponse device = await response.ReadJsonAsync(CredentialsJsonContext.Default.DeviceAuthorizationResponse, Messages.System, cancellationToken);
        _redactor.Add(device.DeviceCode);
        return device is { DeviceCode.Length: > 0, UserCode.Length: > 0, VerificationUri.Length: > 0 }
            ? device
            : throw new BackendException(BackendErrorKind.Unavailable, $"{Messages.System} gave an incomplete device authorization answer.");
    }

    /// <summary>RFC 7009: asks the server to forget <paramref name="token"/>.</summary>
    internal async Task RevokeAsync(string token, string hint, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(new Uri(_options.RevocationEndpoint!), [new("token", token), new("token_type_hint", hint)], cancellationToken);
    }

    private IEnumerable<KeyValuePair<string, string>> Scope() =>
        string.IsNullOrWhiteSpace(_options.Scopes) ? [] : [new("scope", _options.Scopes.Trim())];

    private async Task<TokenResponse> TokenAsync(List<KeyValuePair<string, string>> form, CancellationToken cancellationToken,
        bool devicePolling = false)
    {
        using HttpResponseMessage response = await SendAsync(new Uri(_options.TokenEndpoint!), form, cancellationToken, devicePolling);
        TokenResponse tokens = await response.ReadJsonAsync(CredentialsJsonContext.Default.TokenResponse, Messages.System, cancellationToken);
        // Registered first: whatever happens next, neither token can reach a log or a result.
        _redactor.Add(tokens.AccessToken);
        _redactor.Add(tokens.RefreshToken);
        if (tokens is not { AccessToken.Length: > 0 })
        {
            throw new BackendException(BackendErrorKind.Unavailable, $"{Messages.System} returned no access token.");
        }

        // A token with a line break cannot be sent in a header; refuse it here rather than on every later call.
        return BackendHttp.IsValidHeaderValue(tokens.AccessToken) && BackendHttp.IsValidHeaderValue(tokens.RefreshToken)
            ? tokens with { Kept = Kept(tokens.Extra) }
            : throw new BackendException(BackendErrorKind.Unavailable, $"{Messages.System} returned a token that cannot be used.");
    }

    private Dictionary<string, string>? Kept(Dictionary<string, JsonElement>? extra)
    {
        Dictionary<string, string>? kept = null;
        foreach (var (name, value) in extra ?? [])
        {
            if (_keptFields.Contains(name) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= MaxKeptFieldChars } text
                && !text.Any(char.IsControl))
            {
                (kept ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = text;
            }
        }

        return kept;
    }

    private async Task<HttpResponseMessage> SendAsync(Uri endpoint, List<KeyValuePair<string, string>> form, CancellationToken cancellationToken,
        bool devicePolling = false)
    {
        // client_secret_post (RFC 6749 §2.3.1), as every provider accepts; a public client sends only its id.
        form.Add(new("client_id", _options.ClientId!));
        if (!string.IsNullOrEmpty(_options.ClientSecret))
        {
            form.Add(new("client_secret", _options.ClientSecret));
        }

        // Not marked idempotent: a refresh token may be single-use, so a failed refresh is never sent twice.
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        request.MarkTokenRequest();
        return await _http.SendToBackendAsync(request, Messages.System, (failed, ct) => OAuthErrors.MapAsync(failed, Messages, devicePolling, ct), cancellationToken);
    }
}
