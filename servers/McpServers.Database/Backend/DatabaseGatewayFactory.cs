using McpServers.Database.Options;
using Microsoft.Extensions.Logging;

namespace McpServers.Database.Backend;

/// <summary>Picks the gateway for the configured connection. Creating one never connects (connections open on first use).</summary>
public static class DatabaseGatewayFactory
{
    public static IDatabaseGateway Create(DatabaseOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null,
        Action<string>? onRoleWarning = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = DatabaseOptionsValidator.Check(options);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid database settings: " + string.Join(" ", problems));
        }

        DatabaseConnection connection = ConnectionResolver.Resolve(options);
        return connection.Kind switch
        {
            DatabaseBackendKind.PostgreSql => new PostgresGateway(options, connection.PostgresConnectionString!, loggerFactory?.CreateLogger<PostgresGateway>(), timeProvider, onRoleWarning),
            DatabaseBackendKind.MySql => new MySqlGateway(options, connection.MySqlConnectionString!, loggerFactory?.CreateLogger<MySqlGateway>(), timeProvider, onRoleWarning),
            DatabaseBackendKind.Sqlite => new SqliteGateway(options, connection.SqlitePath, loggerFactory?.CreateLogger<SqliteGateway>(), timeProvider),
            _ => new SqliteGateway(options, null, loggerFactory?.CreateLogger<SqliteGateway>(), timeProvider),
        };
    }
}
