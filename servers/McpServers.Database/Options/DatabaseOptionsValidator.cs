using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace McpServers.Database.Options;

/// <summary>
/// Start-up validation (no connection is made); every message names the setting so an administrator can fix it.
/// With the configuration, also the connection source and the pool against the shared <c>Concurrency:MaxCalls</c>.
/// </summary>
public sealed class DatabaseOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var errors = new List<string>(Check(options));
        if (configuration is not null)
        {
            errors.AddRange(CheckConnection(options, configuration));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<string> CheckConnection(DatabaseOptions options, IConfiguration configuration)
    {
        DatabaseConnection connection;
        try
        {
            connection = ConnectionResolver.Resolve(options);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            return [e.Message + " Run mcp-database --help for the settings, or try --demo."];
        }

        return connection.Kind switch
        {
            DatabaseBackendKind.PostgreSql => DatabaseServer.PoolCoversConcurrency(configuration, new NpgsqlConnectionStringBuilder(connection.PostgresConnectionString).MaxPoolSize),
            DatabaseBackendKind.MySql => DatabaseServer.PoolCoversConcurrency(configuration, (int)new MySqlConnector.MySqlConnectionStringBuilder(connection.MySqlConnectionString ?? string.Empty).MaximumPoolSize),
            _ => [],
        };
    }

    /// <summary>All problems, empty when the options are usable. Connection sources are checked by <see cref="ConnectionResolver"/>.</summary>
    public static IReadOnlyList<string> Check(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        int sources = (options.Demo ? 1 : 0) + (string.IsNullOrWhiteSpace(options.SqlitePath) ? 0 : 1)
            + (string.IsNullOrWhiteSpace(options.ConnectionString) ? 0 : 1);
        if (sources > 1)
        {
            errors.Add("Set only one of `ConnectionString` (or DATABASE_URL), `SqlitePath` and `Demo`.");
        }

        if (!string.IsNullOrWhiteSpace(options.Provider) && !DatabaseOptions.IsKnownProvider(options.Provider))
        {
            errors.Add("`Provider` must be postgresql, mysql or mariadb.");
        }

        if (options.MaxRowLimit is < 1 or > 100_000)
        {
            errors.Add("`MaxRowLimit` must be between 1 and 100000.");
        }

        if (options.DefaultRowLimit < 1 || options.DefaultRowLimit > options.MaxRowLimit)
        {
            errors.Add("`DefaultRowLimit` must be at least 1 and at most `MaxRowLimit`.");
        }

        if (options.MaxCellChars is < 16 or > 1_000_000)
        {
            errors.Add("`MaxCellChars` must be between 16 and 1000000.");
        }

        if (options.MaxResponseBytes is < 1024 or > 64 * 1024 * 1024)
        {
            errors.Add("`MaxResponseBytes` must be between 1024 and 67108864.");
        }

        if (!(options.MaxQueryCost > 0))
        {
            errors.Add("`MaxQueryCost` must be a positive number (PostgreSQL planner cost units).");
        }

        if (options.MaxSqliteSteps < 1000)
        {
            errors.Add("`MaxSqliteSteps` must be at least 1000.");
        }

        if (options.StatementTimeout <= TimeSpan.Zero || options.StatementTimeout > TimeSpan.FromHours(1))
        {
            errors.Add("`StatementTimeout` must be greater than zero and at most one hour.");
        }

        if (options.LockTimeout <= TimeSpan.Zero || options.LockTimeout > options.StatementTimeout)
        {
            errors.Add("`LockTimeout` must be greater than zero and at most `StatementTimeout`.");
        }

        if (options.MaxPoolSize is < 1 or > 1000)
        {
            errors.Add("`MaxPoolSize` must be between 1 and 1000 connections.");
        }

        if (options.FiscalYearStartMonth is < 1 or > 12)
        {
            errors.Add("`FiscalYearStartMonth` must be a month number from 1 (January: calendar quarters) to 12.");
        }

        if (!string.IsNullOrWhiteSpace(options.TimeZone))
        {
            try
            {
                TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                errors.Add($"`TimeZone` '{options.TimeZone}' is not a time zone known to this machine; use an IANA id such as Europe/Berlin or America/New_York.");
            }
        }

        foreach (string schema in options.AllowedSchemas)
        {
            if (string.IsNullOrWhiteSpace(schema) || schema.Length > 63 || schema.Contains('*', StringComparison.Ordinal))
            {
                errors.Add($"`AllowedSchemas` entry '{schema}' must be a schema name (1-63 characters, no wildcards).");
            }
        }

        CheckPatterns(options.DeniedTables, "DeniedTables", errors);
        CheckPatterns(options.DeniedColumns, "DeniedColumns", errors);
        if (options.DeclaredToolsFile is { } file && !string.IsNullOrWhiteSpace(file) && !File.Exists(file))
        {
            errors.Add($"`DeclaredToolsFile` points to a file that does not exist: {file}");
        }

        return errors;
    }

    private static void CheckPatterns(IReadOnlyList<string> patterns, string setting, List<string> errors)
    {
        foreach (string pattern in patterns)
        {
            if (string.IsNullOrWhiteSpace(pattern) || pattern.Length > 200)
            {
                errors.Add($"`{setting}` entries must be non-empty glob patterns of at most 200 characters.");
            }
        }
    }
}

public static class DatabaseOptionsServiceCollectionExtensions
{
    /// <summary>The configuration root into <see cref="DatabaseOptions"/>, checked at start (no connection is made).</summary>
    public static IServiceCollection AddDatabaseOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DatabaseOptions>(configuration, "", new DatabaseOptionsValidator(configuration)).Bind(configuration)
            .PostConfigure<IServiceProvider>((options, sp) =>
            {
                options.ReadListsAndSeconds(configuration);
                if (options.Demo && (!string.IsNullOrWhiteSpace(options.ConnectionString) || !string.IsNullOrWhiteSpace(options.Password)))
                {
                    // A developer's shell often exports DATABASE_URL for other tools; --demo asks for the sample database
                    // whatever the environment holds, so the connection settings are set aside (and it says so).
                    Log.DemoIgnoresConnection(sp.GetService<ILoggerFactory>()?.CreateLogger("McpServers.Database") ?? NullLogger.Instance);
                    options.ConnectionString = null;
                    options.Password = null;
                }
            });
        return services;
    }
}
