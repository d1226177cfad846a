using McpServers.Shared.Http;

namespace McpServers.Shared.Credentials;

/// <summary>An access token and when it stops working.</summary>
/// <param name="Scope">The scopes granted, when the server said.</param>
/// <param name="Fields">The further token-response fields the server asked to keep (e.g. the API address the token is for).</param>
public sealed record AccessToken(string Value, DateTimeOffset ExpiresAt, string? Scope, IReadOnlyDictionary<string, string>? Fields = null);

/// <summary>Where new access tokens come from: the client-credentials grant, or the signed-in user's refresh token.</summary>
public interface IAccessTokenSource
{
    /// <param name="refused">A token the backend just refused (401), which must not be handed out again; null otherwise.</param>
    Task<AccessToken> AcquireAsync(string? refused, CancellationToken cancellationToken);

    /// <summary>The backend as users know it, for messages.</summary>
    string System { get; }
}

/// <summary>
/// An OAuth bearer credential: the access token comes from the token cache of the one principal the server acts as
/// (stdio; a service credential), or, in HTTP mode with per-user backend sign-in, from the cache of the caller making
/// the call (<see cref="CallerSignIns"/>), so no caller's token is ever sent for another.
/// </summary>
public sealed class OAuthCredential : ICredential, IDisposable
{
    private static readonly HttpRequestOptionsKey<string> Sent = new("McpServers.Credentials.SentToken");
    private readonly TokenCache? _own;
    private readonly CallerSignIns? _callers;

    public OAuthCredential(IAccessTokenSource source, TimeProvider time) => _own = new TokenCache(source, time);

    internal OAuthCredential(CallerSignIns callers) => _callers = callers;

    /// <summary>Whether each caller brings their own linked sign-in (HTTP mode, <c>Service:BackendIdentity=PerUser</c>).</summary>
    public bool PerCaller => _callers is not null;

    private TokenCache Cache => _own ?? _callers!.Current();

    public async ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        TokenCache cache = Cache;
        string token = (await cache.CurrentAsync(cancellationToken)).Value;
        request.Headers.Authorization = BackendHttp.Authorization("Bearer", token, cache.System);
        request.Options.Set(Sent, token);
    }

    public bool Refused(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Options.TryGetValue(Sent, out string? sent))
        {
            Cache.Refused(sent);
        }

        return true;
    }

    /// <summary>A usable access token: the cached one, or a new one from the source.</summary>
    public async Task<string> TokenAsync(CancellationToken cancellationToken) => (await CurrentAsync(cancellationToken)).Value;

    /// <summary>The cached token with its expiry and scopes, renewed first when it is due.</summary>
    public Task<AccessToken> CurrentAsync(CancellationToken cancellationToken) => Cache.CurrentAsync(cancellationToken);

    public void Dispose() => _own?.Dispose();
}

/// <summary>
/// The token cache of one principal: an access token kept in memory, replaced shortly before it expires (a minute, or
/// half its life when that is shorter), and dropped when the backend refuses it, so that the credential handler's one
/// retry goes out with a new one. One acquisition at a time per process; across processes the source locks.
/// </summary>
internal sealed class TokenCache(IAccessTokenSource source, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Early = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _gate = new(1, 1);
    // One reference, read and replaced whole (a struct tuple could be seen half-written by a concurrent call).
    private volatile Cached? _current;
    private volatile string? _refused;

    public string System => source.System;

    public void Refused(string sent)
    {
        if (_current is { } current && current.Token.Value == sent)
        {
            _refused = sent;
            _current = null;
        }
    }

    public async Task<AccessToken> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } token)
        {
            return token;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } again)
            {
                return again;
            }

            AccessToken acquired = await source.AcquireAsync(_refused, cancellationToken);
            TimeSpan life = acquired.ExpiresAt - time.GetUtcNow();
            _current = new Cached(acquired, acquired.ExpiresAt - (life > Early * 2 ? Early : life / 2));
            return acquired;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private AccessToken? Fresh() => _current is { } current && time.GetUtcNow() < current.RenewAt ? current.Token : null;

    private sealed record Cached(AccessToken Token, DateTimeOffset RenewAt);
}

/// <summary>OAuth 2.0 client credentials (RFC 6749 §4.4): the server acts as itself, not as a user.</summary>
public sealed class ClientCredentialsSource(OAuthTokenClient client, TimeProvider time) : IAccessTokenSource
{
    public string System => client.Messages.Backend;

    public async Task<AccessToken> AcquireAsync(string? refused, CancellationToken cancellationToken)
    {
        TokenResponse response = await client.ClientCredentialsAsync(cancellationToken);
        return new AccessToken(response.AccessToken!, time.GetUtcNow() + Lifetime(response.ExpiresIn), response.Scope, response.Kept);
    }

    /// <summary>The token's life as the server stated it (default one hour), within 1 s to one day.</summary>
    internal static TimeSpan Lifetime(long? expiresIn) => TimeSpan.FromSeconds(Math.Clamp(expiresIn ?? 3600, 1, 86_400));
}
