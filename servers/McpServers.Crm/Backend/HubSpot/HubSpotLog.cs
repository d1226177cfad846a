using Microsoft.Extensions.Logging;

namespace McpServers.Crm.Backend.HubSpot;

/// <summary>Source-generated log messages of the HubSpot provider. Never log credentials, filter values or bodies.</summary>
internal static partial class HubSpotLog
{
    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "HubSpot answered HTTP {Status} ({Category}, correlation id {CorrelationId}) to {Method} {Path}")]
    public static partial void Error(ILogger logger, int status, string category, string correlationId, string method, string path);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "HubSpot API usage {Used} of {Limit} daily calls")]
    public static partial void Usage(ILogger logger, long used, long limit);
}
