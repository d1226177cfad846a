using System.Collections.Concurrent;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;

namespace McpServers.Shared.Credentials;

/// <summary>
/// Per-user backend sign-in in HTTP mode (<c>Service:BackendIdentity=PerUser</c>): each caller — the subject of the
/// access token that reached this server — has their own sign-in to the backend, linked once in a browser through the
/// authorization-code flow this server hosts, kept server-side (encrypted) and never shared with another caller. The
/// caller's own MCP access token is never passed on. A caller who has not linked gets the address to do it.
/// </summary>
public sealed class CallerSignIns
{
    // A bound on the per-caller token caches kept in memory; past it they are dropped (a later call re-reads the store).
    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<string, TokenCache> _caches = new(StringComparer.Ordinal);
    private readonly OAuthTokenClient _client;
    private readonly IRefreshTokenStore _store;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly Func<string, CancellationToken, Task<Uri>> _linkAddress;

    /// <param name="linkAddress">Issues a single-use, short-lived address at which the caller links their account.</param>
    internal CallerSignIns(UserSignInRegistration registration, OAuthTokenClient client, IRefreshTokenStore store, SecretRedactor redactor,
        TimeProvider time, Func<string, CancellationToken, Task<Uri>> linkAddress)
    {
        Registration = registration;
        _client = client;
        _store = store;
        _redactor = redactor;
        _time = time;
        _linkAddress = linkAddress;
    }

    public UserSignInRegistration Registration { get; }

    public string Backend => Registration.Backend;

    /// <summary>The sign-in of <paramref name="subject"/> (linking completes through it).</summary>
    public UserSignIn For(string subject) => new(_client, _store, new SignInKey(Registration.Backend, subject), _redactor, _time);

    /// <summary>The token cache of the caller making the current call.</summary>
    internal TokenCache Current()
    {
        Caller caller = Caller.Current
            ?? throw new BackendException(BackendErrorKind.Unauthorized, $"{Backend} is called with each caller's own sign-in, and this request has no caller.");
        if (_caches.TryGetValue(caller.Subject, out TokenCache? cache))
        {
            return cache;
        }

        if (_caches.Count >= MaxCached)
        {
            _caches.Clear();
        }

        return _caches.GetOrAdd(caller.Subject, subject => new TokenCache(new Source(this, subject), _time));
    }

    private async Task<string> LinkAsync(string subject, string why, CancellationToken cancellationToken)
    {
        Uri link = await _linkAddress(subject, cancellationToken);
        return $"{why} Ask the user to open {link} in a browser to link their own {Backend} account (the address works once, for 10 minutes), then call the tool again.";
    }

    /// <summary>The access tokens of one caller's sign-in.</summary>
    private sealed class Source(CallerSignIns owner, string subject) : IAccessTokenSource
    {
        public string System => owner.Backend;

        public async Task<AccessToken> AcquireAsync(string? refused, CancellationToken cancellationToken)
        {
            UserSignIn signIn = owner.For(subject);
            if (await signIn.ReadAsync(cancellationToken) is null)
            {
                throw new BackendException(BackendErrorKind.Unauthorized,
                    await owner.LinkAsync(subject, $"This user has not linked a {owner.Backend} account to this server yet.", cancellationToken));
            }

            try
            {
                return await signIn.AcquireAsync(refused, cancellationToken);
            }
            catch (BackendException e) when (e.Kind == BackendErrorKind.Unauthorized)
            {
                throw new BackendException(BackendErrorKind.Unauthorized,
                    await owner.LinkAsync(subject, $"This user's linked {owner.Backend} sign-in no longer works (expired or revoked).", cancellationToken), e);
            }
        }
    }
}
