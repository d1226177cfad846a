namespace McpServers.Shared.Hosting;

/// <summary>Recognises names that hold secrets (parameters, settings, headers), so their values are never logged.</summary>
public static class SecretNames
{
    private static readonly string[] Fragments =
    [
        "password", "passwd", "secret", "token", "credential", "authorization", "cookie", "apikey", "privatekey",
        "accesskey", "signingkey", "encryptionkey", "connectionstring", "databaseurl",
    ];

    /// <summary>True for names like <c>password</c>, <c>api_key</c>, <c>Jira:ApiToken</c>, <c>ConnectionString</c>, <c>key</c>.</summary>
    public static bool IsSecret(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // Only the last segment of a configuration path counts: "Jira:TokenUrl" is a URL, "Jira:ApiToken" a secret.
        int colon = name.LastIndexOf(':');
        string last = colon >= 0 ? name[(colon + 1)..] : name;
        Span<char> buffer = stackalloc char[Math.Min(last.Length, 128)];
        int n = 0;
        foreach (char c in last)
        {
            if (n == buffer.Length)
            {
                break;
            }

            if (char.IsLetterOrDigit(c))
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        ReadOnlySpan<char> normalized = buffer[..n];
        if (normalized is "key" or "pwd" or "pass" or "auth")
        {
            return true;
        }

        // Confirmation:AllowToken lists tool names (which tools may be confirmed by token), not a token.
        if (normalized.SequenceEqual("allowtoken"))
        {
            return false;
        }

        if (normalized.EndsWith("url", StringComparison.Ordinal) && !normalized.SequenceEqual("databaseurl"))
        {
            return false;
        }

        foreach (string fragment in Fragments)
        {
            if (normalized.Contains(fragment, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
