using System.Net;
using Microsoft.Extensions.Configuration;

namespace McpServers.Shared.Service;

/// <summary>
/// Settings of HTTP mode (<c>--http &lt;url&gt;</c>, section <c>Service</c>): where to listen, who may call, and where
/// replicas share state. Unused over stdio.
/// </summary>
public sealed class ServiceOptions
{
    /// <summary>Where to listen, e.g. <c>http://127.0.0.1:8080</c> (<c>--http</c>). Set: the server runs over HTTP.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// This server's resource URI as clients reach it (the MCP endpoint, behind any proxy): the audience every access
    /// token must carry. Default: <see cref="Url"/> + <c>/mcp</c>.
    /// </summary>
    public string? Resource { get; set; }

    /// <summary>The OAuth 2.1 authorization server (issuer URL) whose JWT access tokens are accepted.</summary>
    public string? Issuer { get; set; }

    /// <summary>Tolerance for clock differences when checking token expiry.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Static API keys for service callers, by name: each with the SHA-256 of the key, its scopes and expiry.</summary>
    public Dictionary<string, ApiKeyOptions> ApiKeys { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>StackExchange.Redis connection string of the state replicas share (a secret: it may hold a password).</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>
    /// Whose credential reaches the backend: <c>PerUser</c> (each caller links their own account once, in a browser) or
    /// <c>Shared</c> (the one credential configured for the server, for every caller; every audit line says so).
    /// Required: an administrator decides, the server does not guess.
    /// </summary>
    public string? BackendIdentity { get; set; }

    /// <summary>Base64 of a 256-bit key that encrypts per-user backend sign-ins at rest (a secret; required with PerUser and Redis).</summary>
    public string? SignInEncryptionKey { get; set; }

    internal bool PerUser => string.Equals(BackendIdentity, "PerUser", StringComparison.OrdinalIgnoreCase);

    /// <summary>Largest request body accepted.</summary>
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Requests one caller may have in flight at once on this replica; more are answered 429.</summary>
    public int MaxRequestsPerCaller { get; set; } = 8;

    /// <summary>Reverse proxies (IP addresses) whose X-Forwarded-For/-Proto headers are believed; empty: none.</summary>
    public string? TrustedProxies { get; set; }

    /// <summary>PEM certificate (chain) for an https <see cref="Url"/>; or terminate TLS at a reverse proxy.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="CertificateFile"/> (a file readable by the service account only).</summary>
    public string? CertificateKeyFile { get; set; }

    /// <summary>OTLP/HTTP collector base URL (e.g. <c>http://otel-collector:4318</c>) for traces and metrics; none when unset.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>How long shutdown waits for calls in flight to finish.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>Service</c> section as it stands (HTTP mode reads it before the service container exists).</summary>
    internal static ServiceOptions Read(IConfiguration configuration)
    {
        var options = new ServiceOptions();
        configuration.GetSection("Service").Bind(options);
        return options;
    }

    /// <summary>Who may call, in words for the start-up line and <c>--check</c>.</summary>
    internal string Accepts(Uri resource) => string.Join(" and ", new[]
    {
        Issuer is { Length: > 0 } issuer ? $"OAuth access tokens from {issuer} for {resource}" : null,
        ApiKeys.Count > 0 ? $"{ApiKeys.Count} API key(s)" : null,
    }.OfType<string>());

    internal Uri ResourceUri => new(Resource is { Length: > 0 } r ? r : Url!.TrimEnd('/') + "/mcp");

    internal string EndpointPath => ResourceUri.AbsolutePath is "/" or "" ? "/mcp" : ResourceUri.AbsolutePath.TrimEnd('/');

    /// <summary>Every problem with these settings for HTTP mode, each naming the setting to fix.</summary>
    internal IEnumerable<string> Problems()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out Uri? url) || url.Scheme is not ("http" or "https") || url.AbsolutePath != "/")
        {
            yield return $"--http (Service:Url) must be an http or https URL with no path, such as http://127.0.0.1:8080 (got '{Url}').";
        }
        else if (!(url.Host is "localhost" or "*" or "+" or "0.0.0.0" || IPAddress.TryParse(url.Host.Trim('[', ']'), out _)))
        {
            yield return $"--http (Service:Url) must name an IP address to listen on, localhost or 0.0.0.0 (got '{url.Host}'); clients' view of the server goes in Service:Resource.";
        }
        else if (url.Scheme == "https" && (!File.Exists(CertificateFile) || !File.Exists(CertificateKeyFile)))
        {
            yield return "An https --http address needs Service:CertificateFile and Service:CertificateKeyFile (PEM files that exist), or listen on http behind a TLS-terminating proxy (Service:TrustedProxies).";
        }

        if (Resource is { Length: > 0 } && (!Uri.TryCreate(Resource, UriKind.Absolute, out Uri? resource) || resource.Scheme is not ("http" or "https") || resource.Fragment.Length > 0))
        {
            yield return $"Service:Resource must be the absolute http(s) URL clients use for the MCP endpoint (got '{Resource}').";
        }

        if (string.IsNullOrWhiteSpace(Issuer) && ApiKeys.Count == 0)
        {
            yield return "HTTP mode needs authentication and has none: set Service:Issuer (your OAuth authorization server) or at least one Service:ApiKeys:<name>. There is no anonymous mode.";
        }

        if (Issuer is { Length: > 0 } && (!Uri.TryCreate(Issuer, UriKind.Absolute, out Uri? issuer)
            || !(issuer.Scheme == "https" || (issuer.Scheme == "http" && IsLoopback(issuer)))))
        {
            yield return $"Service:Issuer must be an https URL (plain http only on a loopback address), got '{Issuer}'.";
        }

        if (!string.Equals(BackendIdentity, "Shared", StringComparison.OrdinalIgnoreCase) && !PerUser)
        {
            yield return $"Service:BackendIdentity must say whose credential reaches the backend (got '{BackendIdentity}'): Shared (the one credential configured for this server, for every caller; audit lines say so) or PerUser (each caller links their own account; for servers and settings that support it).";
        }

        if (SignInEncryptionKey is { Length: > 0 } encryption && !IsKey(encryption))
        {
            yield return "Service:SignInEncryptionKey must be 32 random bytes in base64 (e.g. openssl rand -base64 32).";
        }
        else if (PerUser && RedisConnectionString is { Length: > 0 } && SignInEncryptionKey is not { Length: > 0 })
        {
            yield return "Service:BackendIdentity=PerUser with Redis needs Service:SignInEncryptionKey (32 random bytes in base64, the same on every replica): sign-ins are encrypted at rest.";
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            yield return "Service:ClockSkew must be between 00:00:00 and 00:05:00.";
        }

        if (MaxRequestBytes is < 1024 or > 1L << 30)
        {
            yield return "Service:MaxRequestBytes must be between 1024 and 1073741824.";
        }

        if (MaxRequestsPerCaller is < 1 or > 10_000)
        {
            yield return "Service:MaxRequestsPerCaller must be between 1 and 10000.";
        }

        if (ShutdownTimeout < TimeSpan.Zero || ShutdownTimeout > TimeSpan.FromMinutes(10))
        {
            yield return "Service:ShutdownTimeout must be between 00:00:00 and 00:10:00.";
        }

        if (OtlpEndpoint is { Length: > 0 } && (!Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out Uri? otlp) || otlp.Scheme is not ("http" or "https")))
        {
            yield return $"Service:OtlpEndpoint must be the http(s) base URL of an OTLP/HTTP collector, such as http://127.0.0.1:4318 (got '{OtlpEndpoint}').";
        }

        foreach (string proxy in Proxies())
        {
            if (!IPAddress.TryParse(proxy, out _))
            {
                yield return $"Service:TrustedProxies must list IP addresses separated by commas ('{proxy}' is not one).";
            }
        }

        foreach (var (name, key) in ApiKeys)
        {
            foreach (string problem in key.Problems(name))
            {
                yield return problem;
            }
        }
    }

    private static bool IsKey(string text)
    {
        Span<byte> bytes = stackalloc byte[48];
        return Convert.TryFromBase64String(text, bytes, out int written) && written == 32;
    }

    internal IEnumerable<string> Proxies() =>
        (TrustedProxies ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));
}

/// <summary>
/// One static API key (<c>Service:ApiKeys:&lt;name&gt;</c>). Only the key's SHA-256 is configured, so the settings file
/// holds nothing a caller could use; the caller sends the key itself as <c>Authorization: Bearer &lt;key&gt;</c>.
/// </summary>
public sealed class ApiKeyOptions
{
    /// <summary>Lower-case hex SHA-256 of the key (e.g. <c>printf %s "$KEY" | sha256sum</c>).</summary>
    public string? Sha256 { get; set; }

    /// <summary>Space-separated scopes: <c>mcp:read</c>, <c>mcp:write</c>.</summary>
    public string? Scopes { get; set; }

    /// <summary>When the key stops working (ISO 8601 date or date-time, UTC unless it says otherwise). Required.</summary>
    public DateTimeOffset? Expires { get; set; }

    internal IEnumerable<string> Problems(string name)
    {
        string at = $"Service:ApiKeys:{name}";
        if (Sha256 is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigit))
        {
            yield return $"{at}:Sha256 must be the key's SHA-256 as 64 hex digits (printf %s \"$KEY\" | sha256sum).";
        }

        string[] scopes = ScopeList();
        if (scopes.Length == 0 || scopes.Any(s => !Pipeline.Caller.KnownScopes.Contains(s)))
        {
            yield return $"{at}:Scopes must list {string.Join(" and/or ", Pipeline.Caller.KnownScopes)}, separated by spaces (got '{Scopes}').";
        }

        // A key past its date is refused at call time (and named by --check), not at start: one stale key must not
        // stop the service for everyone else.
        if (Expires is null)
        {
            yield return $"{at}:Expires is required (an ISO 8601 date): keys do not live for ever.";
        }
    }

    internal string[] ScopeList() => (Scopes ?? string.Empty).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
}
