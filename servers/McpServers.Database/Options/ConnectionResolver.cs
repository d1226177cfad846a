using System.Globalization;
using MySqlConnector;
using Npgsql;

namespace McpServers.Database.Options;

public enum DatabaseBackendKind
{
    PostgreSql,
    Sqlite,
    Demo,
    MySql,
}

/// <summary>Where the gateway connects. <see cref="ToString"/> never includes the password.</summary>
public sealed record DatabaseConnection(DatabaseBackendKind Kind, string? PostgresConnectionString, string? SqlitePath, string? MySqlConnectionString = null)
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
            case DatabaseBackendKind.MySql:
                var mysql = new MySqlConnectionStringBuilder(MySqlConnectionString ?? string.Empty);
                return $"mysql:{mysql.Server}/{mysql.Database}";
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

        if (IsMySql(raw, options.Provider))
        {
            return new DatabaseConnection(DatabaseBackendKind.MySql, null, null, ResolveMySql(raw, options));
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
        if (!NamesAutoPrepare(raw))
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

    /// <summary>
    /// A URI's scheme decides (mysql:// or mariadb:// is MySQL, postgres:// or postgresql:// PostgreSQL); a keyword
    /// string is PostgreSQL unless <c>Provider</c> says mysql or mariadb (the two drivers share most keywords, so
    /// guessing from them would be ambiguous). A URI whose scheme contradicts <c>Provider</c> is refused.
    /// </summary>
    private static bool IsMySql(string raw, string? provider)
    {
        bool mysqlUri = IsMySqlUri(raw);
        bool? mysqlProvider = string.IsNullOrWhiteSpace(provider) ? null : DatabaseOptions.IsMySqlProvider(provider);
        if (mysqlProvider is { } p && (mysqlUri || IsUri(raw)) && p != mysqlUri)
        {
            throw new InvalidOperationException("`Provider` contradicts the scheme of `ConnectionString`; remove `Provider` or fix the URI scheme.");
        }

        return mysqlUri || mysqlProvider == true;
    }

    private static bool IsMySqlUri(string value) =>
        value.StartsWith("mysql://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("mariadb://", StringComparison.OrdinalIgnoreCase);

    private static string ResolveMySql(string raw, DatabaseOptions options)
    {
        MySqlConnectionStringBuilder builder;
        if (IsMySqlUri(raw))
        {
            builder = FromMySqlUri(raw);
        }
        else
        {
            try
            {
                builder = new MySqlConnectionStringBuilder(raw);
            }
            catch (ArgumentException ex)
            {
                // The inner message can echo the connection string: do not include it.
                throw new InvalidOperationException("`ConnectionString` is not a valid MySqlConnector connection string or mysql:// URI.", ex);
            }
        }

        if (string.IsNullOrEmpty(builder.Database))
        {
            throw new InvalidOperationException("`ConnectionString` must name a database (mysql://user@host/database, or Database=… in a keyword string).");
        }

        if (string.IsNullOrEmpty(builder.Password) && !string.IsNullOrEmpty(options.Password))
        {
            builder.Password = options.Password;
        }

        // The same cap as PostgreSQL: MySqlConnector's default pool is also 100.
        const int MySqlDefaultMaxPoolSize = 100;
        builder.MaximumPoolSize = (uint)(options.MaxPoolSize
            ?? (builder.MaximumPoolSize != MySqlDefaultMaxPoolSize ? (int)builder.MaximumPoolSize : DatabaseOptions.DefaultMaxPoolSize));
        builder.MinimumPoolSize = Math.Min(builder.MinimumPoolSize, builder.MaximumPoolSize);

        // Never read client files on the server's behalf, whatever the connection string asks.
        builder.AllowLoadLocalInfile = false;
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "mcp-database";
        }

        return builder.ConnectionString;
    }

    /// <summary>mysql://user:password@host:port/database?sslmode=required&amp;sslca=/path (also mariadb://).</summary>
    internal static MySqlConnectionStringBuilder FromMySqlUri(string value)
    {
        var uri = DatabaseUri.Parse(value, "`ConnectionString` is not a valid mysql:// URI.");
        var builder = new MySqlConnectionStringBuilder { Server = uri.Host };
        uri.SetParts(port => builder.Port = (uint)port, database => builder.Database = database, user => builder.UserID = user, password => builder.Password = password);

        foreach ((string key, string item) in uri.Parameters)
        {
            switch (key)
            {
                case "sslmode" or "ssl-mode" or "ssl_mode":
                    builder.SslMode = item.ToLowerInvariant().Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal) switch
                    {
                        "disabled" or "none" => MySqlSslMode.None,
                        "preferred" => MySqlSslMode.Preferred,
                        "required" => MySqlSslMode.Required,
                        "verifyca" => MySqlSslMode.VerifyCA,
                        "verifyidentity" or "verifyfull" => MySqlSslMode.VerifyFull,
                        _ => throw new InvalidOperationException($"`ConnectionString` sslmode '{item}' is not one of disabled, preferred, required, verify_ca, verify_identity."),
                    };
                    break;
                case "sslca" or "ssl-ca" or "ssl_ca":
                    builder.SslCa = item;
                    break;
                case "connect_timeout":
                    builder.ConnectionTimeout = uint.Parse(item, CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new InvalidOperationException($"`ConnectionString` parameter '{key}' is not supported in a mysql:// URI (use sslmode, sslca, connect_timeout).");
            }
        }

        return builder;
    }

    /// <summary>
    /// Whether the administrator's keyword string sets auto-prepare itself (Npgsql's typed builder reports every known
    /// keyword as present, so the text is read with the untyped one). A postgres:// URI cannot set it.
    /// </summary>
    private static bool NamesAutoPrepare(string raw)
    {
        if (IsUri(raw))
        {
            return false;
        }

        var keywords = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = raw };
        return keywords.ContainsKey("Max Auto Prepare") || keywords.ContainsKey("MaxAutoPrepare");
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
        var uri = DatabaseUri.Parse(value, "DATABASE_URL is not a valid postgres:// URI.");
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        uri.SetParts(port => builder.Port = port, database => builder.Database = database, user => builder.Username = user, password => builder.Password = password);

        foreach ((string key, string item) in uri.Parameters)
        {
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
