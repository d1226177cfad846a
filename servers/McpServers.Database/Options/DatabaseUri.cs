namespace McpServers.Database.Options;

/// <summary>
/// The unescaped parts of a database URI, scheme://user:password@host:port/database?key=value&amp;…, the shape
/// libpq and the MySQL clients share; each backend maps them (and the keys it supports) onto its own builder.
/// </summary>
internal sealed record DatabaseUri(string Host, int? Port, string? Database, string? User, string? Password, IReadOnlyList<(string Key, string Value)> Parameters)
{
    /// <summary>Parses <paramref name="value"/>; query keys are lower-cased. Throws <paramref name="invalid"/> (which must not echo the value) when it is not an absolute URI with a host.</summary>
    public static DatabaseUri Parse(string value, string invalid)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new InvalidOperationException(invalid);
        }

        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : null;
        }

        var parameters = new List<(string, string)>();
        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            parameters.Add((Uri.UnescapeDataString(kv[0]).ToLowerInvariant(), kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty));
        }

        return new DatabaseUri(uri.Host, uri.Port > 0 ? uri.Port : null, database.Length > 0 ? database : null, user, password, parameters);
    }

    /// <summary>Hands each part the URI has to its setter (a part it leaves out keeps the builder's default).</summary>
    public void SetParts(Action<int> port, Action<string> database, Action<string> user, Action<string> password)
    {
        if (Port is int p)
        {
            port(p);
        }

        if (Database is not null)
        {
            database(Database);
        }

        if (User is not null)
        {
            user(User);
        }

        if (Password is not null)
        {
            password(Password);
        }
    }
}
