using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Audit;
using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Shared.Service;

/// <summary>
/// Per-user backend sign-in (<c>Service:BackendIdentity=PerUser</c>): a caller who has not linked their backend account
/// is given a single-use address, valid 10 minutes, bound to their subject. Opened in a browser, it starts the
/// authorization-code flow with PKCE against the backend's authorization server, with this server's
/// <c>/signin/callback</c> as the redirect; the tokens are stored server-side under (backend, subject), encrypted
/// (AES-256-GCM, <c>Service:SignInEncryptionKey</c>) in Redis when configured, else in this replica's memory. The
/// tickets, the PKCE verifiers and the <c>state</c> live in the same store, so any replica can finish what another began.
/// </summary>
internal sealed class AccountLinking
{
    public const string PathPrefix = "/signin";
    private const string CallbackPath = PathPrefix + "/callback";
    private static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(10);
    private readonly Dictionary<string, Lazy<CallerSignIns>> _signIns = new(StringComparer.Ordinal);
    private readonly SignInState _state;
    private readonly ResourceAddress _resource;
    private readonly AuditFilter _audit;

    public AccountLinking(IServiceProvider services, IOptions<ServiceOptions> options, ResourceAddress resource, AuditFilter audit, TimeProvider time)
    {
        _resource = resource;
        _audit = audit;
        byte[] key = options.Value.SignInEncryptionKey is { Length: > 0 } configured
            ? Convert.FromBase64String(configured)
            : RandomNumberGenerator.GetBytes(32);     // Memory only (no Redis): a key that lives as long as the tokens.
        _state = new SignInState(services.GetService<ISharedState>(), key, time);
        foreach (UserSignInRegistration registration in services.GetServices<UserSignInRegistration>().Where(r => r.PerCaller))
        {
            _signIns[Slug(registration.Backend)] = new Lazy<CallerSignIns>(() => new CallerSignIns(registration,
                CredentialServiceCollectionExtensions.TokenClient(services, registration), _state,
                services.GetRequiredService<Hosting.SecretRedactor>(), time, (subject, ct) => IssueLinkAsync(registration.Backend, subject)));
        }
    }

    /// <summary>Where the sign-ins are kept, for the start-up line and <c>--check</c>.</summary>
    public string StoreDescription => _state.Description;

    public CallerSignIns SignIns(UserSignInRegistration registration) => _signIns[Slug(registration.Backend)].Value;

    /// <summary>Maps <c>GET /signin/{backend}?ticket=…</c> and <c>GET /signin/callback</c>; neither needs a bearer token.</summary>
    public static void Map(WebApplication app)
    {
        app.MapGet(CallbackPath, (RequestDelegate)(context => context.RequestServices.GetRequiredService<AccountLinking>().CallbackAsync(context)));
        app.MapGet(PathPrefix + "/{backend}", (RequestDelegate)(context => context.RequestServices.GetRequiredService<AccountLinking>().StartAsync(context)));
    }

    private static string Slug(string backend) =>
        string.Concat(backend.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));

    private Uri Public(string pathAndQuery)
    {
        Uri resource = _resource.Current;
        return new Uri(resource.GetLeftPart(UriPartial.Authority) + pathAndQuery);
    }

    private async Task<Uri> IssueLinkAsync(string backend, string subject)
    {
        string ticket = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await _state.SetAsync("ticket:" + Hash(ticket), Slug(backend) + "\n" + subject, LinkLifetime);
        return Public($"{PathPrefix}/{Slug(backend)}?ticket={ticket}");
    }

    /// <summary>The browser opened the link: redeem the ticket (once), remember the PKCE verifier, send it to sign in.</summary>
    private async Task StartAsync(HttpContext context)
    {
        string slug = context.Request.RouteValues["backend"] as string ?? "";
        string? ticket = context.Request.Query["ticket"];
        string? taken = string.IsNullOrEmpty(ticket) || ticket.Length > 100 ? null : await _state.TakeAsync("ticket:" + Hash(ticket));
        if (taken?.Split('\n', 2) is not [{ } linkedSlug, { } subject] || linkedSlug != slug || !_signIns.TryGetValue(slug, out Lazy<CallerSignIns>? signIns))
        {
            await AnswerAsync(context, StatusCodes.Status400BadRequest,
                "This sign-in address has expired or was already used. Ask your assistant to call the tool again for a new one.");
            return;
        }

        string verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        string state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await _state.SetAsync("state:" + Hash(state), slug + "\n" + verifier + "\n" + subject, LinkLifetime);
        Uri authorize = SignInCommands.AuthorizationUrl(signIns.Value.For(subject).Options, Public(CallbackPath),
            Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), state);
        NoStore(context);
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = authorize.ToString();
    }

    /// <summary>The backend's authorization server sent the browser back: check state, exchange the code, store the tokens.</summary>
    private async Task CallbackAsync(HttpContext context)
    {
        string? state = context.Request.Query["state"];
        string? taken = string.IsNullOrEmpty(state) || state.Length > 100 ? null : await _state.TakeAsync("state:" + Hash(state));
        if (taken?.Split('\n', 3) is not [{ } slug, { } verifier, { } subject] || !_signIns.TryGetValue(slug, out Lazy<CallerSignIns>? signIns))
        {
            _audit.WriteSignIn(null, AuditOutcome.Denied, "account linking: unknown or expired state");
            await AnswerAsync(context, StatusCodes.Status400BadRequest,
                "This sign-in answer does not match a sign-in this server started, or it took longer than 10 minutes. Ask your assistant to call the tool again for a new address.");
            return;
        }

        var caller = new Caller(subject, null, "account-link", new HashSet<string>());
        string backend = signIns.Value.Backend;
        if (context.Request.Query["code"].ToString() is not { Length: > 0 } code)
        {
            string error = SignInCommands.ErrorCode(context.Request.Query["error"]);
            _audit.WriteSignIn(caller, AuditOutcome.Denied, $"account linking for {backend} not completed ({error})");
            await AnswerAsync(context, StatusCodes.Status400BadRequest, $"The {backend} sign-in was not completed ({error}); nothing was stored.");
            return;
        }

        try
        {
            UserSignIn signIn = signIns.Value.For(subject);
            TokenResponse tokens = await signIn.CompleteTokensAsync(code, verifier, Public(CallbackPath), context.RequestAborted);
            await signIn.CompleteAsync(tokens, context.RequestAborted);
        }
        catch (BackendException e)
        {
            _audit.WriteSignIn(caller, AuditOutcome.BackendError, $"account linking for {backend} failed");
            await AnswerAsync(context, StatusCodes.Status502BadGateway, $"The {backend} sign-in failed: {e.SafeMessage ?? "its sign-in server could not be used."} Nothing was stored.");
            return;
        }

        _audit.WriteSignIn(caller, AuditOutcome.Ok, $"linked the caller's own {backend} account");
        await AnswerAsync(context, StatusCodes.Status200OK,
            $"Your {backend} account is linked to {subject} on this server. You can close this window and go back to your assistant.");
    }

    /// <summary>Plain text, never cached, no referrer (the address held a ticket), no sniffing.</summary>
    private static Task AnswerAsync(HttpContext context, int status, string text)
    {
        NoStore(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text + "\n", context.RequestAborted);
    }

    private static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.XContentTypeOptions = "nosniff";
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>
    /// The sign-ins and linking state: in Redis (shared by replicas) or this process's memory. Sign-ins are encrypted
    /// with AES-256-GCM, the (backend, subject) they belong to bound in as associated data, so a value copied to
    /// another user's key does not decrypt.
    /// </summary>
    private sealed class SignInState(ISharedState? shared, byte[] key, TimeProvider time) : IRefreshTokenStore
    {
        // Longer than any refresh token is worth keeping unused; each refresh writes it again.
        private static readonly TimeSpan SignInLifetime = TimeSpan.FromDays(90);
        private readonly ConcurrentDictionary<string, (string Value, DateTimeOffset Until)> _memory = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

        public string Description => shared is null
            ? "in this replica's memory, encrypted (lost on restart; set Service:RedisConnectionString to keep them)"
            : "in Redis, encrypted with Service:SignInEncryptionKey";

        public string Describe(SignInKey signInKey) => "this server's per-user sign-in store";

        public async Task<StoredSignIn?> ReadAsync(SignInKey signInKey, CancellationToken cancellationToken)
        {
            string? sealedValue = await GetAsync(Name(signInKey));
            if (sealedValue is null)
            {
                return null;
            }

            try
            {
                byte[] data = Convert.FromBase64String(sealedValue);
                byte[] plain = new byte[data.Length - 28];
                using var aes = new AesGcm(key, 16);
                aes.Decrypt(data.AsSpan(0, 12), data.AsSpan(28), data.AsSpan(12, 16), plain, Encoding.UTF8.GetBytes(Name(signInKey)));
                return JsonSerializer.Deserialize(plain, CredentialsJsonContext.Default.StoredSignIn);
            }
            catch (Exception e) when (e is CryptographicException or FormatException or JsonException or ArgumentException)
            {
                // Another key (rotated) or a damaged value: as good as none, so the user is asked to link again.
                return null;
            }
        }

        public Task WriteAsync(SignInKey signInKey, StoredSignIn signIn, CancellationToken cancellationToken)
        {
            byte[] plain = JsonSerializer.SerializeToUtf8Bytes(signIn with { Backend = signInKey.Backend, Principal = signInKey.Principal },
                CredentialsJsonContext.Default.StoredSignIn);
            byte[] data = new byte[28 + plain.Length];
            RandomNumberGenerator.Fill(data.AsSpan(0, 12));
            using (var aes = new AesGcm(key, 16))
            {
                aes.Encrypt(data.AsSpan(0, 12), plain, data.AsSpan(28), data.AsSpan(12, 16), Encoding.UTF8.GetBytes(Name(signInKey)));
            }

            CryptographicOperations.ZeroMemory(plain);
            return SetAsync(Name(signInKey), Convert.ToBase64String(data), SignInLifetime);
        }

        public async Task<bool> DeleteAsync(SignInKey signInKey, CancellationToken cancellationToken)
        {
            bool had = await GetAsync(Name(signInKey)) is not null;
            if (shared is null)
            {
                _memory.TryRemove(Name(signInKey), out _);
            }
            else
            {
                await shared.DeleteAsync(Name(signInKey));
            }

            return had;
        }

        public async Task<IAsyncDisposable> LockAsync(SignInKey signInKey, CancellationToken cancellationToken)
        {
            if (shared is not null)
            {
                return await shared.LockAsync(Name(signInKey), TimeSpan.FromSeconds(60), cancellationToken);
            }

            SemaphoreSlim gate = _locks.GetOrAdd(Name(signInKey), _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken);
            return new Released(gate);
        }

        public Task SetAsync(string name, string value, TimeSpan lifetime)
        {
            if (shared is not null)
            {
                return shared.SetAsync(name, value, lifetime);
            }

            DateTimeOffset now = time.GetUtcNow();
            if (_memory.Count > 10_000)
            {
                // Links never opened expire here; the bound keeps a busy replica's memory flat.
                foreach (var (stale, _) in _memory.Where(e => e.Value.Until <= now))
                {
                    _memory.TryRemove(stale, out _);
                }
            }

            _memory[name] = (value, now + lifetime);
            return Task.CompletedTask;
        }

        public async Task<string?> TakeAsync(string name)
        {
            if (shared is not null)
            {
                return await shared.TakeAsync(name);
            }

            return _memory.TryRemove(name, out var entry) && entry.Until > time.GetUtcNow() ? entry.Value : null;
        }

        private async Task<string?> GetAsync(string name)
        {
            if (shared is not null)
            {
                return await shared.GetAsync(name);
            }

            return _memory.TryGetValue(name, out var entry) && entry.Until > time.GetUtcNow() ? entry.Value : null;
        }

        private static string Name(SignInKey signInKey) => $"signin:{Slug(signInKey.Backend)}:{Hash(signInKey.Principal)}";

        private sealed class Released(SemaphoreSlim gate) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                gate.Release();
                return ValueTask.CompletedTask;
            }
        }
    }
}
