using Microsoft.Extensions.Options;

namespace McpServers.Shared.Http;

/// <summary>
/// Checks one named <see cref="BackendHttpOptions"/> at start-up. Every message names the setting by its
/// configuration path (e.g. <c>Jira:Http:Timeout</c>) so an administrator knows what to fix.
/// </summary>
internal sealed class BackendHttpOptionsValidator(string clientName, string sectionPath) : IValidateOptions<BackendHttpOptions>
{
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, BackendHttpOptions options)
    {
        if (!string.Equals(name, clientName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.Timeout < MinTimeout || options.Timeout > MaxTimeout)
        {
            failures.Add($"{Setting(nameof(options.Timeout))} must be between 100 ms and 10 min.");
        }

        if (options.TotalTimeout < options.Timeout || options.TotalTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{Setting(nameof(options.TotalTimeout))} must be at least {Setting(nameof(options.Timeout))} and at most 1 h.");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{Setting(nameof(options.MaxRetries))} must be between 0 and 10.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Setting(nameof(options.RetryDelay))} must be between 0 s and 1 min.");
        }

        // A wait longer than the whole call's budget would only end in a timeout.
        if (options.MaxRetryAfter < TimeSpan.Zero || options.MaxRetryAfter > options.TotalTimeout)
        {
            failures.Add($"{Setting(nameof(options.MaxRetryAfter))} must be between 0 s and {Setting(nameof(options.TotalTimeout))}.");
        }

        if (options.MaxResponseBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            failures.Add($"{Setting(nameof(options.MaxResponseBytes))} must be between 1024 and 1073741824 (1 GB).");
        }

        if (options.MaxTokenResponseBytes is < 1024 or > 1024 * 1024)
        {
            failures.Add($"{Setting(nameof(options.MaxTokenResponseBytes))} must be between 1024 and 1048576 (1 MB).");
        }

        if (options.MaxRedirects is < 0 or > 10)
        {
            failures.Add($"{Setting(nameof(options.MaxRedirects))} must be between 0 and 10.");
        }

        foreach (string host in options.DownloadHosts ?? [])
        {
            if (!IsHostSuffix(host))
            {
                failures.Add($"{Setting(nameof(options.DownloadHosts))} holds '{host}', which is not a host name with at least two labels or an IP address (no scheme, port, path or wildcard).");
            }
        }

        if (options.Proxy is { } proxy)
        {
            if (!Uri.TryCreate(proxy, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{Setting(nameof(options.Proxy))} must be an absolute http:// or https:// URI such as http://proxy:3128.");
            }
            else if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                // Credentials in a URI end up in logs and process listings.
                failures.Add($"{Setting(nameof(options.Proxy))} must not contain a user name or password.");
            }

            if (options.BypassProxy)
            {
                failures.Add($"{Setting(nameof(options.Proxy))} and {Setting(nameof(options.BypassProxy))} cannot both be set.");
            }
        }

        CheckFile(options.ExtraCaBundle, nameof(options.ExtraCaBundle), failures);
        CheckFile(options.ClientCertificate, nameof(options.ClientCertificate), failures);

        if (options.ClientCertificatePasswordVariable is { } variable
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
        {
            failures.Add($"{Setting(nameof(options.ClientCertificatePasswordVariable))} names the environment variable {variable}, which is not set.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// A download host suffix is a plain DNS name of two labels or more (a bare <c>com</c> would allow the whole
    /// top-level domain) or an IP address; a leading dot is allowed and ignored.
    /// </summary>
    private static bool IsHostSuffix(string? host)
    {
        string name = (host ?? "").TrimStart('.');
        return Uri.CheckHostName(name) switch
        {
            UriHostNameType.Dns => name.Contains('.', StringComparison.Ordinal),
            UriHostNameType.IPv4 or UriHostNameType.IPv6 => true,
            _ => false,
        };
    }

    private void CheckFile(string? path, string setting, List<string> failures)
    {
        if (path is not null && !File.Exists(path))
        {
            failures.Add($"{Setting(setting)} points to a file that does not exist.");
        }
    }

    private string Setting(string property) => string.IsNullOrEmpty(sectionPath) ? property : $"{sectionPath}:{property}";
}
