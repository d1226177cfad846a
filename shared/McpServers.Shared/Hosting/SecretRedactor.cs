using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace McpServers.Shared.Hosting;

/// <summary>
/// Knows the secret values this process was configured with and removes them from any text headed for a log, an
/// audit line or an error message. Defence in depth: code should not log secrets in the first place, but an
/// exception message from a driver (a connection string, a URL with a password) must not carry one out either.
/// </summary>
public sealed partial class SecretRedactor
{
    public const string Mask = "***";
    private const int MinimumSecretLength = 4;
    private readonly Lock _gate = new();
    private string[] _secrets = [];

    /// <summary>Registers a secret value (and, for connection strings and URLs, the password inside it).</summary>
    public void Add(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length < MinimumSecretLength)
        {
            return;
        }

        List<string> found = [value.Trim()];
        foreach (Match m in PasswordInConnectionString().Matches(value))
        {
            found.Add(m.Groups[1].Value);
        }

        foreach (Match m in PasswordInUri().Matches(value))
        {
            found.Add(m.Groups[1].Value);
            found.Add(Uri.UnescapeDataString(m.Groups[1].Value));
        }

        lock (_gate)
        {
            // Longest first, so a secret that contains another is masked whole.
            _secrets = [.. _secrets.Concat(found.Where(s => s.Length >= MinimumSecretLength)).Distinct(StringComparer.Ordinal)
                .OrderByDescending(s => s.Length)];
        }
    }

    /// <summary>True when <paramref name="text"/> contains a known secret.</summary>
    public bool Contains(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (string secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns <paramref name="text"/> with every known secret replaced by <see cref="Mask"/>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] secrets = _secrets;
        foreach (string secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    [GeneratedRegex(@"(?i)(?:password|pwd)\s*=\s*([^;]+)")]
    private static partial Regex PasswordInConnectionString();

    [GeneratedRegex(@"://[^:/@\s]+:([^@/\s]+)@")]
    private static partial Regex PasswordInUri();
}

/// <summary>Building a redactor from the configuration the server was started with.</summary>
public sealed partial class SecretRedactor
{
    /// <summary>Registers the value of every setting that is secret by name or declared secret by the server.</summary>
    public static SecretRedactor FromConfiguration(IConfiguration configuration, ServerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(identity);
        var redactor = new SecretRedactor();
        var declared = identity.Settings.Where(s => s.Secret).Select(s => s.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string?> pair in configuration.AsEnumerable())
        {
            if (pair.Value is not null && (declared.Contains(pair.Key) || SecretNames.IsSecret(pair.Key)))
            {
                redactor.Add(pair.Value);
            }
        }

        return redactor;
    }
}
