using System.Globalization;
using Npgsql;

namespace McpServers.Database.Options;

public enum DatabaseBackendKind
{
    PostgreSql,
    Sqlite,
    Demo,
}

/// <summary>Where the gateway connects. <see cref="ToString"/> never includes the password.</summary>
public sealed record DatabaseConnection(DatabaseBackendKind Kind, string? PostgresConnectionString, string? SqlitePath)
{
    /// <summary>Host/database (or file) for audit and --check output; no credentials.</summary>
    public string Describe()
    {
        switch (Kind)
        {
            case DatabaseBackendKind.Demo:
                return "demo (generated SQLite)";
            case DatabaseBackendKind.Sqlite:
                return $"sqlite:{Path.GetFileName(SqlitePath)}";
            default:
                var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString);
                return $"postgresql:{builder.Host}/{builder.Database}";
        }
    }

    public override string ToString() => Describe();
}

/// <summary>
/// Turns the options into a connection. The environment (<c>MCP_DATABASE__ConnectionString</c>, <c>DATABASE_URL</c>,
/// <c>PGPASSWORD</c> and their <c>_FILE</c> variants) is already merged into the options by the shared configuration,
/// which also registers those values with the secret redactor: one source of truth, read in one place.
/// </summary>
public static class ConnectionResolver
{
    public static DatabaseConnection Resolve(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Demo)
        {
            return new DatabaseConnection(DatabaseBackendKind.Demo, null, null);
        }

        if (!string.IsNullOrWhiteSpace(options.SqlitePath))
        {
            return new DatabaseConnection(DatabaseBackendKind.Sqlite, null, Path.GetFullPath(options.SqlitePath));
        }

        string? raw = options.ConnectionString;
        if (string.IsNullOrWhiteSpace(raw))
        {
            throw new InvalidOperationException(
                "No database configured: set `ConnectionString` (MCP_DATABASE__ConnectionString) or DATABASE_URL, `SqlitePath`, or `Demo=true`.");
        }

        NpgsqlConnectionStringBuilder builder = IsUri(raw) ? FromUri(raw) : ParseKeywords(raw);
        if (string.IsNullOrEmpty(builder.Password) && !string.IsNullOrEmpty(options.Password))
        {
            builder.Password = options.Password;
        }

        // Npgsql's own default pool (100) lets one client's concurrent calls take every connection slot of a typical
        // server; a postgres:// URL has no way to lower it. The setting wins; else an explicit keyword value; else 10.
        const int NpgsqlDefaultMaxPoolSize = 100;
        builder.MaxPoolSize = options.MaxPoolSize
            ?? (builder.MaxPoolSize != NpgsqlDefaultMaxPoolSize ? builder.MaxPoolSize : DatabaseOptions.DefaultMaxPoolSize);
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, builder.MaxPoolSize);

        // Statements the server sends over and over (BEGIN, the settings, ROLLBACK, the same lookups) are parsed once
        // per connection instead of every call. A connection string that names Max Auto Prepare keeps its value
        // (0 turns it off, e.g. behind a PgBouncer older than 1.21 in transaction mode).
        if (!builder.ContainsKey("Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "mcp-database";
        }

        return new DatabaseConnection(DatabaseBackendKind.PostgreSql, builder.ConnectionString, null);
    }

    private static bool IsUri(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    private static NpgsqlConnectionStringBuilder ParseKeywords(string value)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException ex)
        {
            // The message of the inner exception can echo the connection string: do not include it.
            throw new InvalidOperationException("`ConnectionString` is not a valid Npgsql connection string or postgres:// URI.", ex);
        }
    }

    /// <summary>libpq-style URI: postgres://user:password@host:port/database?sslmode=require&amp;sslrootcert=/path.</summary>
    internal static NpgsqlConnectionStringBuilder FromUri(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new InvalidOperationException("DATABASE_URL is not a valid postgres:// URI.");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        if (uri.UserInfo.Length > 0)
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(kv[0]).ToLowerInvariant();
            string item = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            switch (key)
            {
                case "sslmode":
                    builder.SslMode = item.ToLowerInvariant() switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw new InvalidOperationException($"DATABASE_URL sslmode '{item}' is not one of disable, allow, prefer, require, verify-ca, verify-full."),
                    };
                    break;
                case "sslrootcert":
                    builder.RootCertificate = item;
                    break;
                case "sslcert":
                    builder.SslCertificate = item;
                    break;
                case "sslkey":
                    builder.SslKey = item;
                    break;
                case "application_name":
                    builder.ApplicationName = item;
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(item, CultureInfo.InvariantCulture);
                    break;
                case "user":
                    builder.Username = item;
                    break;
                case "password":
                    builder.Password = item;
                    break;
                case "dbname":
                    builder.Database = item;
                    break;
                default:
                    throw new InvalidOperationException($"DATABASE_URL parameter '{key}' is not supported (use sslmode, sslrootcert, sslcert, sslkey, application_name, connect_timeout).");
            }
        }

        return builder;
    }
}
