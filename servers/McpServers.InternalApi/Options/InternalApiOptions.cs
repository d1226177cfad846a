using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;

namespace McpServers.InternalApi.Options;

/// <summary>
/// Every setting of mcp-internal-api. Keys live at the configuration root (environment prefix
/// <c>MCP_INTERNAL_API__</c>, so <c>MCP_INTERNAL_API__BaseUrl</c> binds <see cref="BaseUrl"/>; nested keys use
/// <c>__</c>, e.g. <c>MCP_INTERNAL_API__Auth__BearerToken</c>).
/// </summary>
public sealed class InternalApiOptions
{
    public const string EnvironmentPrefix = "MCP_INTERNAL_API__";

    /// <summary>The OpenAPI 3.0/3.1 document (JSON or YAML): a file path, or an http(s) URL on the same host as <see cref="BaseUrl"/>.</summary>
    public string? Document { get; set; }

    /// <summary>Every request goes here (scheme, host, port and path prefix); the model can never choose another.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Selectors of operations to serve (a list setting, see README): <c>listItems</c>, <c>tag:inventory</c>, <c>GET /items/*</c>.</summary>
    public IReadOnlyList<string> Include { get; set; } = [];

    /// <summary>Selectors of operations never to serve; exclude wins over include.</summary>
    public IReadOnlyList<string> Exclude { get; set; } = [];

    /// <summary>Prefix of every generated tool name (snake_case, ending in an underscore or empty).</summary>
    public string ToolPrefix { get; set; } = "api_";

    /// <summary>Response bodies above this many bytes are cut, with a truncation notice.</summary>
    public int MaxResponseBytes { get; set; } = 262_144;

    /// <summary>Tool surfaces above this size get a start-up warning (models choose worse among many tools).</summary>
    public int ToolWarningThreshold { get; set; } = 40;

    /// <summary>
    /// How long tools/list and tools/call wait for a document that is still loading (a slow URL) before they are
    /// answered with an error naming <see cref="Document"/>; the load itself goes on.
    /// </summary>
    public TimeSpan DocumentTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public AuthOptions Auth { get; set; } = new();

    /// <summary>
    /// Per-operation overrides, keyed by operationId or tool name: <c>Operations:searchItems:ReadOnly=true</c>
    /// (a search sent as POST), <c>Operations:upsertItem:Idempotent=true</c> (then also retried),
    /// <c>Operations:getFile:MultiSegmentPathParameters=path</c> (a path parameter that may hold <c>/</c>).
    /// </summary>
    public Dictionary<string, OperationOverrides> Operations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads the options without checking them (the tool set needs only the document and the selection, so
    /// <c>--print-tools</c> works without a base URL or credentials). Serving checks them at start (<see cref="InternalApiOptionsValidator"/>).
    /// </summary>
    public static InternalApiOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new InternalApiOptions();
        configuration.Bind(options);
        options.Complete(configuration);
        return options;
    }

    /// <summary>After binding: the list settings, and the credential mode when it is implied.</summary>
    internal void Complete(IConfiguration configuration)
    {
        Include = SettingList.Parse(configuration, nameof(Include)) ?? Include;
        Exclude = SettingList.Parse(configuration, nameof(Exclude)) ?? Exclude;
        foreach (var (key, overrides) in Operations)
        {
            overrides.MultiSegmentPathParameters = SettingList.Parse(
                configuration.GetSection(nameof(Operations)).GetSection(key), nameof(OperationOverrides.MultiSegmentPathParameters))
                ?? overrides.MultiSegmentPathParameters;
        }

        if (string.IsNullOrWhiteSpace(configuration["Auth:Mode"]) && Auth.CredentialModes() is [AuthMode only])
        {
            // One credential and no mode: that credential is what the administrator means. (Several stay None and
            // are refused by the validator, which names them; a credential is never silently ignored.)
            Auth.Mode = only;
        }
    }
}

/// <summary>What an administrator may say about an operation that its method does not.</summary>
public sealed class OperationOverrides
{
    public bool? ReadOnly { get; set; }

    public bool? Destructive { get; set; }

    public bool? Idempotent { get; set; }

    /// <summary>
    /// Path parameters whose value may hold several segments separated by <c>/</c> (a list setting), e.g. <c>path</c>
    /// of <c>/files/{path}</c>. OpenAPI has no way to say so (<c>allowReserved</c> is for query parameters only), so
    /// by default a <c>/</c> in a path argument is data and sent percent-encoded.
    /// </summary>
    public IReadOnlyList<string> MultiSegmentPathParameters { get; set; } = [];
}

/// <summary>How requests authenticate (section <c>Auth</c>). Secrets only from the environment or a <c>_FILE</c>.</summary>
public sealed class AuthOptions
{
    public AuthMode Mode { get; set; } = AuthMode.None;

    /// <summary>API key value (secret).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Header or query parameter name carrying the API key.</summary>
    public string ApiKeyName { get; set; } = "X-API-Key";

    public ApiKeyLocation ApiKeyIn { get; set; } = ApiKeyLocation.Header;

    /// <summary>A fixed bearer token, e.g. the user's own token (secret).</summary>
    public string? BearerToken { get; set; }

    /// <summary>OAuth 2.0 token endpoint for the client-credentials grant.</summary>
    public string? TokenUrl { get; set; }

    public string? ClientId { get; set; }

    /// <summary>OAuth 2.0 client secret (secret).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes to request, if any.</summary>
    public string? Scope { get; set; }

    /// <summary>User sign-in (<see cref="AuthMode.OAuth"/>, section <c>Auth:OAuth</c>): act as whoever ran <c>mcp-internal-api login</c>.</summary>
    public OAuthClientOptions OAuth { get; set; } = new();

    /// <summary>The client-credentials client, from the <c>Auth:TokenUrl</c>, <c>Auth:ClientId</c>, <c>Auth:ClientSecret</c>, <c>Auth:Scope</c> settings.</summary>
    public OAuthClientOptions ClientCredentialsClient() =>
        new() { ClientId = ClientId, ClientSecret = ClientSecret, TokenEndpoint = TokenUrl, Scopes = Scope };

    /// <summary>The modes whose credential settings are given (secrets or the client-credentials settings).</summary>
    public IReadOnlyList<AuthMode> CredentialModes()
    {
        var modes = new List<AuthMode>();
        if (!string.IsNullOrEmpty(ApiKey))
        {
            modes.Add(AuthMode.ApiKey);
        }

        if (!string.IsNullOrEmpty(BearerToken))
        {
            modes.Add(AuthMode.Bearer);
        }

        if (!string.IsNullOrEmpty(ClientSecret) || !string.IsNullOrEmpty(ClientId) || !string.IsNullOrEmpty(TokenUrl))
        {
            modes.Add(AuthMode.ClientCredentials);
        }

        if (OAuth.IsConfigured)
        {
            modes.Add(AuthMode.OAuth);
        }

        return modes;
    }

    /// <summary>The settings that hold the credential of <see cref="Mode"/>, named in "fix this" messages.</summary>
    public string CredentialSettings => Mode switch
    {
        AuthMode.ApiKey => $"Auth:ApiKey ({InternalApiOptions.EnvironmentPrefix}Auth__ApiKey or its _FILE)",
        AuthMode.Bearer => "INTERNAL_API_TOKEN (Auth:BearerToken)",
        AuthMode.ClientCredentials => $"Auth:ClientId / Auth:ClientSecret ({InternalApiOptions.EnvironmentPrefix}Auth__ClientSecret) and Auth:TokenUrl",
        AuthMode.OAuth => "the user sign-in (run mcp-internal-api login; settings Auth:OAuth:*)",
        _ => "Auth:Mode (no credentials are configured; e.g. INTERNAL_API_TOKEN for a bearer token)",
    };
}

public enum AuthMode
{
    None,
    ApiKey,
    Bearer,
    ClientCredentials,

    /// <summary>OAuth 2.0 user sign-in (authorization code with PKCE, or device code) with <c>mcp-internal-api login</c>.</summary>
    OAuth,
}
