using System.Net;
using System.Text.Json.Serialization;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Ticketing.Options;

namespace McpServers.Ticketing.Backend.OAuth;

/// <summary>
/// Access tokens for the signed-in user: kept in memory only, refreshed a minute before they expire with the stored
/// refresh token, which is replaced whenever the server rotates it (RFC 6749 §6; Atlassian rotates on every use).
/// A refresh token that is missing, expired or revoked means the user must sign in again.
/// </summary>
public sealed class OAuthSession(HttpClient http, OAuthSettings settings, RefreshTokenStore store, TimeProvider time) : IDisposable
{
    public const string SignInAgain = "The Jira sign-in is missing, expired or was revoked; run `mcp-ticketing login` to sign in again.";

    private const string SignInServer = "The Jira sign-in server";
    private static readonly TimeSpan Early = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private string? _accessToken;
    private DateTimeOffset _expires;

    public async Task<string> AccessTokenAsync(CancellationToken cancellationToken)
    {
        if (Current() is { } token)
        {
            return token;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (Current() is { } fresh)
            {
                return fresh;
            }

            string refreshToken = store.Read() ?? throw new BackendException(BackendErrorKind.Unauthorized, SignInAgain);
            OAuthTokenResponse response = await RequestAsync(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
            }, cancellationToken);
            if (response.RefreshToken is { Length: > 0 } rotated && rotated != refreshToken)
            {
                store.Write(rotated);
            }

            _accessToken = response.AccessToken;
            _expires = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(response.ExpiresIn ?? 3600, 1));
            return _accessToken;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    /// <summary>Forgets the access token after Jira refused it, so the next call refreshes.</summary>
    public void Invalidate() => _accessToken = null;

    /// <summary>The login's last step: the authorization code and the PKCE verifier for tokens.</summary>
    public async Task<OAuthTokenResponse> ExchangeCodeAsync(string code, string verifier, Uri redirectUri, CancellationToken cancellationToken)
    {
        OAuthTokenResponse response = await RequestAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri.ToString(),
            ["code_verifier"] = verifier,
        }, cancellationToken);
        if (response.RefreshToken is not { Length: > 0 } refreshToken)
        {
            throw new BackendException(BackendErrorKind.Invalid,
                "The authorization server issued no refresh token; add offline_access to Jira:OAuth:Scopes.");
        }

        store.Write(refreshToken);
        _accessToken = response.AccessToken;
        _expires = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(response.ExpiresIn ?? 3600, 1));
        return response;
    }

    private string? Current() => _accessToken is { } token && time.GetUtcNow() < _expires - Early ? token : null;

    private async Task<OAuthTokenResponse> RequestAsync(Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        form["client_id"] = settings.ClientId;
        if (settings.ClientSecret is { } secret)
        {
            form["client_secret"] = secret;
        }

        // Not marked idempotent: a refresh token may be single-use, so a failed refresh is never sent twice. Sent on
        // the shared path: a redirect is refused (it would carry the refresh token and client secret elsewhere, or
        // fetch another host's tokens), and the token response is capped.
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.TokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        request.MarkTokenRequest();
        using HttpResponseMessage response = await http.SendToBackendAsync(request, SignInServer, static (response, _) =>
            Task.FromResult<Exception?>(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized
                // invalid_grant: the refresh token or code expired or was revoked (RFC 6749 §5.2).
                ? new BackendException(BackendErrorKind.Unauthorized, SignInAgain)
                : null), cancellationToken);
        OAuthTokenResponse tokens = await response.ReadJsonAsync(OAuthJsonContext.Default.OAuthTokenResponse, SignInServer, cancellationToken);
        if (tokens is not { AccessToken.Length: > 0 })
        {
            throw new BackendException(BackendErrorKind.Unavailable, "The Jira sign-in server returned no access token.");
        }

        // A token with a line break cannot be sent in a header; refuse it here rather than on every later call.
        return BackendHttp.IsValidHeaderValue(tokens.AccessToken)
            ? tokens
            : throw new BackendException(BackendErrorKind.Unavailable, "The Jira sign-in server returned an access token that cannot be used.");
    }
}

/// <summary>RFC 6749 §5.1 token response.</summary>
public sealed record OAuthTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn,
    [property: JsonPropertyName("token_type")] string? TokenType);

[JsonSerializable(typeof(OAuthTokenResponse))]
internal sealed partial class OAuthJsonContext : JsonSerializerContext;
