using System.Globalization;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;

namespace McpServers.Shared.Credentials;

/// <summary>
/// The signed-in user's tokens: the refresh token in the store (under its cross-process lock, rotated whenever the
/// server issues a new one, RFC 6749 §6), the access token shared through the store so that concurrent sessions do
/// not each rotate. Also the sign-in itself: browser (authorization code + PKCE) or device code, sign-out, who am I.
/// Every token read from the store is registered with the secret redactor.
/// </summary>
public sealed class UserSignIn(OAuthTokenClient client, IRefreshTokenStore store, SignInKey key, SecretRedactor redactor, TimeProvider time)
    : IAccessTokenSource
{
    private static readonly TimeSpan Early = TimeSpan.FromSeconds(60);

    public string System => client.Messages.Backend;

    public OAuthMessages Messages => client.Messages;

    public OAuthClientOptions Options => client.Options;

    /// <summary>Where the sign-in is kept (a path, never a token).</summary>
    public string Location => store.Describe(key);

    public SignInKey Key => key;

    internal OAuthTokenClient Client => client;

    internal async Task<TokenResponse> CompleteTokensAsync(string code, string verifier, Uri redirect, CancellationToken cancellationToken) =>
        await client.ExchangeCodeAsync(code, verifier, redirect, cancellationToken);

    public async Task<AccessToken> AcquireAsync(string? refused, CancellationToken cancellationToken)
    {
        await using IAsyncDisposable held = await store.LockAsync(key, cancellationToken);
        StoredSignIn stored = await ReadAsync(cancellationToken)
            ?? throw new BackendException(BackendErrorKind.Unauthorized, Messages.NotSignedIn);

        // Another session may have refreshed a moment ago: its token is good for us too, unless it is the one refused.
        if (stored is { AccessToken: { Length: > 0 } shared, AccessTokenExpires: { } expires } && shared != refused && time.GetUtcNow() < expires - Early)
        {
            return new AccessToken(shared, expires, stored.Scope, stored.Fields);
        }

        // Not cancelled by the caller once it starts: a refresh token may be single-use, so a new one the server has issued
        // must reach the store, or every session would have to sign in again. The client's own timeouts bound it.
        TokenResponse response = await client.RefreshAsync(stored.RefreshToken, CancellationToken.None);
        StoredSignIn updated = Updated(stored, response);
        await store.WriteAsync(key, updated, CancellationToken.None);
        return new AccessToken(updated.AccessToken!, updated.AccessTokenExpires!.Value, updated.Scope, updated.Fields);
    }

    /// <summary>The stored sign-in, its tokens registered with the redactor; null when there is none.</summary>
    public async Task<StoredSignIn?> ReadAsync(CancellationToken cancellationToken)
    {
        StoredSignIn? stored = await store.ReadAsync(key, cancellationToken);
        redactor.Add(stored?.RefreshToken);
        redactor.Add(stored?.AccessToken);
        return stored;
    }

    /// <summary>Stores the tokens of a completed sign-in (code or device grant).</summary>
    internal async Task<StoredSignIn> CompleteAsync(TokenResponse response, CancellationToken cancellationToken)
    {
        if (response.RefreshToken is not { Length: > 0 })
        {
            throw new BackendException(BackendErrorKind.Invalid,
                $"{client.Messages.System} issued no refresh token; an administrator should add offline_access (or the provider's equivalent) to {client.Messages.ScopeSetting}.");
        }

        await using IAsyncDisposable held = await store.LockAsync(key, cancellationToken);
        StoredSignIn signIn = Updated(new StoredSignIn { RefreshToken = response.RefreshToken, SignedIn = time.GetUtcNow() }, response);
        await store.WriteAsync(key, signIn, cancellationToken);
        return signIn;
    }

    /// <summary>Removes the stored sign-in, revoking the refresh token first when the provider has a revocation endpoint.</summary>
    /// <returns>Whether there was a sign-in, and the revocation's failure if it failed (the local copy is removed anyway).</returns>
    public async Task<(bool SignedIn, BackendException? RevocationFailed)> SignOutAsync(CancellationToken cancellationToken)
    {
        await using IAsyncDisposable held = await store.LockAsync(key, cancellationToken);
        StoredSignIn? stored = await ReadAsync(cancellationToken);
        if (stored is null)
        {
            await store.DeleteAsync(key, cancellationToken);
            return (false, null);
        }

        BackendException? failed = null;
        if (!string.IsNullOrWhiteSpace(Options.RevocationEndpoint))
        {
            try
            {
                await client.RevokeAsync(stored.RefreshToken, "refresh_token", cancellationToken);
            }
            catch (BackendException e)
            {
                failed = e;
            }
        }

        await store.DeleteAsync(key, cancellationToken);
        return (true, failed);
    }

    private StoredSignIn Updated(StoredSignIn stored, TokenResponse response) => stored with
    {
        RefreshToken = response.RefreshToken is { Length: > 0 } rotated ? rotated : stored.RefreshToken,
        AccessToken = response.AccessToken,
        AccessTokenExpires = time.GetUtcNow() + ClientCredentialsSource.Lifetime(response.ExpiresIn),
        Scope = response.Scope ?? stored.Scope ?? Options.Scopes,
        Fields = response.Kept is null ? stored.Fields : new Dictionary<string, string>(
            (stored.Fields ?? []).Where(f => !response.Kept.ContainsKey(f.Key)).Concat(response.Kept), StringComparer.Ordinal),
    };

    internal static string Format(DateTimeOffset when) => when.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
