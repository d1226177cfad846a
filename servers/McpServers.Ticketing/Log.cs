using Microsoft.Extensions.Logging;

namespace McpServers.Ticketing;

/// <summary>Source-generated log messages. Never log credentials, JQL values, request or response bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Jira flavour detected: {Flavor}")]
    public static partial void FlavorDetected(ILogger logger, string flavor);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Jira answered HTTP {Status} to {Method} {Path}")]
    public static partial void JiraError(ILogger logger, int status, string method, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "ServiceNow answered HTTP {Status} to {Method} {Path}")]
    public static partial void ServiceNowError(ILogger logger, int status, string method, string path);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Jira Cloud site {Site} is cloudId {CloudId} at the Atlassian API gateway")]
    public static partial void CloudSite(ILogger logger, string site, string cloudId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Zendesk answered HTTP {Status} to {Method} {Path}")]
    public static partial void ZendeskError(ILogger logger, int status, string method, string path);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "ServiceNow's data dictionary is not readable for table {Table}: its fields are the allowlist alone")]
    public static partial void ServiceNowNoDictionary(ILogger logger, string table);
}
