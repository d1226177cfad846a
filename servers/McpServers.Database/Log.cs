using Microsoft.Extensions.Logging;

namespace McpServers.Database;

/// <summary>Source-generated log messages. Never log SQL parameter values, connection strings or row data.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Catalog loaded from {Backend}: {TableCount} visible tables")]
    public static partial void CatalogLoaded(ILogger logger, string backend, int tableCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Database role check: {Warning}")]
    public static partial void PrivilegeWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Refused a statement over the cost limit (estimated {Cost}, limit {Limit})")]
    public static partial void TooExpensive(ILogger logger, double cost, double limit);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Database error {Code} mapped to {Kind}")]
    public static partial void BackendError(ILogger logger, string code, string kind, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Demo database created with {InvoiceCount} invoices")]
    public static partial void DemoCreated(ILogger logger, int invoiceCount);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Statement ran in {ElapsedMs} ms and returned {Rows} rows")]
    public static partial void StatementRan(ILogger logger, long elapsedMs, int rows);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Demo mode: ignoring the configured database connection (DATABASE_URL / MCP_DATABASE__ConnectionString, PGPASSWORD / MYSQL_PWD / MCP_DATABASE__Password); serving the generated sample database")]
    public static partial void DemoIgnoresConnection(ILogger logger);
}
