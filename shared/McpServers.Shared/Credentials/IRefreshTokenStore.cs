using System.Text.Json.Serialization;

namespace McpServers.Shared.Credentials;

/// <summary>Whose sign-in: the backend (e.g. <c>CRM</c>) and the principal (here the OS user; a central deployment's user id).</summary>
public sealed record SignInKey(string Backend, string Principal);

/// <summary>
/// A stored sign-in. Besides the refresh token it keeps the last access token and its expiry, so that several
/// sessions of the same server (each client starts its own) share one token instead of each rotating the refresh
/// token; the access token is no more sensitive than the refresh token beside it.
/// </summary>
public sealed record StoredSignIn
{
    [JsonPropertyName("backend")]
    public string? Backend { get; init; }

    [JsonPropertyName("principal")]
    public string? Principal { get; init; }

    [JsonPropertyName("refresh_token")]
    public required string RefreshToken { get; init; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("access_token_expires")]
    public DateTimeOffset? AccessTokenExpires { get; init; }

    [JsonPropertyName("scope")]
    public string? Scope { get; init; }

    [JsonPropertyName("signed_in")]
    public DateTimeOffset? SignedIn { get; init; }

    /// <summary>
    /// Further fields of the token responses the server asked to keep (<see cref="OAuthDialect.KeptFields"/>),
    /// e.g. the address of the API the tokens are for; the newest answer that carries a field wins.
    /// </summary>
    [JsonPropertyName("fields")]
    public Dictionary<string, string>? Fields { get; init; }

    /// <summary>Never prints a token.</summary>
    public override string ToString() => $"StoredSignIn {{ Backend = {Backend}, Principal = {Principal}, SignedIn = {SignedIn} }}";
}

/// <summary>
/// Where refresh tokens live, keyed by (backend, principal). The implementation here is a user-only file
/// (<see cref="FileRefreshTokenStore"/>); an OS credential store (Keychain, libsecret, DPAPI) or a central
/// deployment's per-user store would implement the same interface.
/// </summary>
public interface IRefreshTokenStore
{
    /// <summary>Where the sign-in is kept, for messages (a path, never a token).</summary>
    string Describe(SignInKey key);

    Task<StoredSignIn?> ReadAsync(SignInKey key, CancellationToken cancellationToken);

    Task WriteAsync(SignInKey key, StoredSignIn signIn, CancellationToken cancellationToken);

    /// <summary>Removes the sign-in; false when there was none.</summary>
    Task<bool> DeleteAsync(SignInKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Holds the sign-in exclusively, across processes, until disposed: read, rotate and write the refresh token
    /// under it, so two sessions never redeem the same single-use refresh token.
    /// </summary>
    Task<IAsyncDisposable> LockAsync(SignInKey key, CancellationToken cancellationToken);
}
