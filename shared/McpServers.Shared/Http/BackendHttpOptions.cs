namespace McpServers.Shared.Http;

/// <summary>
/// Settings of one backend HTTP client, bound from a configuration section such as <c>Http</c> or <c>Jira:Http</c>.
/// Secrets never live here: the client certificate password is read from the environment variable named by
/// <see cref="ClientCertificatePasswordVariable"/>.
/// </summary>
public sealed class BackendHttpOptions
{
    /// <summary>Time allowed for one attempt, until the response headers arrive.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for the whole call, retries and their delays included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Retries after the first attempt; only idempotent requests are ever retried.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A <c>Retry-After</c> longer than this is not waited for: the caller gets a rate-limited error at once.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Largest response body read from the backend, counted after decompression (so a gzip bomb stops early). A
    /// larger response is an error, never buffered: it bounds the memory one call can take.
    /// </summary>
    public long MaxResponseBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest response of a token endpoint (a token response is a few kilobytes).</summary>
    public long MaxTokenResponseBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Redirect hops followed for GET and HEAD when the target has the same scheme, host and port and stays under the
    /// base URL's path. Every other redirect is an error; 0 makes every redirect an error.
    /// </summary>
    public int MaxRedirects { get; set; } = 3;

    /// <summary>
    /// Host suffixes (e.g. <c>graph.microsoft.com</c>, <c>s3.eu-west-1.amazonaws.com</c>) that a request explicitly
    /// marked as a download may be redirected to: https only, GET only, sent without credentials. Empty: none.
    /// </summary>
    public string[] DownloadHosts { get; set; } = [];

    /// <summary>Proxy URI such as <c>http://proxy:3128</c>. Null uses the system default (HTTPS_PROXY, NO_PROXY…).</summary>
    public string? Proxy { get; set; }

    /// <summary>Connect directly, ignoring HTTPS_PROXY and system proxy settings (e.g. an internal host behind a proxied network).</summary>
    public bool BypassProxy { get; set; }

    /// <summary>
    /// PEM file of extra trusted root certificates (corporate TLS inspection, internal CA). Adds trust: the system
    /// roots are still used first.
    /// </summary>
    public string? ExtraCaBundle { get; set; }

    /// <summary>Client certificate for mutual TLS: a PFX/P12 file, or a PEM file holding the certificate and its private key.</summary>
    public string? ClientCertificate { get; set; }

    /// <summary>Name of the environment variable holding the client certificate's password (never the password itself).</summary>
    public string? ClientCertificatePasswordVariable { get; set; }
}
