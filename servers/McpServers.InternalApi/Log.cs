using Microsoft.Extensions.Logging;

namespace McpServers.InternalApi;

/// <summary>Source-generated log messages. Never log credentials, argument values or response bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "OpenAPI document '{Title}' {Version}: {ToolCount} operations served as tools, {SkippedCount} skipped")]
    public static partial void ToolsGenerated(ILogger logger, string title, string version, int toolCount, int skippedCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Operation not served: {Reason}")]
    public static partial void OperationSkipped(ILogger logger, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{ToolCount} tools are served (more than {Threshold}); models choose less well among many tools. Narrow the selection with Include/Exclude")]
    public static partial void ManyTools(ILogger logger, int toolCount, int threshold);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Configuration: {Warning}")]
    public static partial void ConfigurationWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "The OpenAPI document (setting Document) could not be loaded; no tools are served")]
    public static partial void DocumentNotLoaded(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "The OpenAPI document (setting Document) could not be loaded; no tools are served: {Reason}")]
    public static partial void DocumentRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Tool {Tool} got HTTP {Status} from the service (problem details: {HasProblem})")]
    public static partial void ServiceError(ILogger logger, string tool, int status, bool hasProblem);
}
