using Microsoft.Extensions.Logging;

namespace McpServers.Crm;

/// <summary>Source-generated log messages. Never log credentials, query values, request or response bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Provider} API usage at {Used} of {Limit} calls of the daily limit")]
    public static partial void UsageHigh(ILogger logger, string provider, long used, long limit);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Periods use fiscal year start month {Month} ({Source}) and time zone {Zone}")]
    public static partial void PeriodConvention(ILogger logger, int month, string source, string zone);
}
