using Microsoft.Extensions.Logging;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>Source-generated log messages of the Salesforce provider. Never tokens, never filter values or record content.</summary>
internal static partial class SalesforceLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Salesforce answered HTTP {Status} ({ErrorCode}) to {Method} {Path}")]
    public static partial void Error(ILogger logger, int status, string errorCode, string method, string path);

    /// <summary>A query this server built was refused: a bug here (or an org that differs from its describe). Diagnostic log only.</summary>
    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Salesforce refused a query built by this server: {ErrorCode}: {Detail}")]
    public static partial void QueryRefused(ILogger logger, string errorCode, string detail);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Salesforce organization settings not readable ({Kind}); using defaults")]
    public static partial void OrganizationUnreadable(ILogger logger, McpServers.Shared.Errors.BackendErrorKind kind);
}
