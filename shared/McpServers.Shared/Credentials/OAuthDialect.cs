namespace McpServers.Shared.Credentials;

/// <summary>
/// What an authorization server does beyond the RFCs, declared by the server in code (never a setting): further
/// token-response fields it needs, and a device grant that predates or departs from RFC 8628.
/// </summary>
public sealed record OAuthDialect
{
    /// <summary>The RFCs as written.</summary>
    public static readonly OAuthDialect Standard = new();

    /// <summary>
    /// Further token-response fields (beyond RFC 6749 §5.1's) kept with the stored sign-in and handed out with each
    /// access token (<see cref="AccessToken.Fields"/>), e.g. the address of the API the tokens are for. Only these are
    /// kept, only as text without control characters, at most 2048 characters; the provider is a backend, so the server
    /// still checks what it uses them for. <c>whoami</c> shows them, so they must not be secrets.
    /// </summary>
    public IReadOnlyList<string> KeptFields { get; init; } = [];

    /// <summary>Further form parameters of the device authorization request (RFC 8628 §3.1 has none).</summary>
    public IReadOnlyDictionary<string, string> DeviceAuthorizationParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>grant_type</c> of the device token request (RFC 8628 §3.4).</summary>
    public string DeviceGrantType { get; init; } = "urn:ietf:params:oauth:grant-type:device_code";

    /// <summary>The form parameter carrying the device code in the token request (RFC 8628 §3.4: <c>device_code</c>).</summary>
    public string DeviceCodeParameter { get; init; } = "device_code";
}
