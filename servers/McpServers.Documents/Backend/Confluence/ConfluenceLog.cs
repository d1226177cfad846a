using Microsoft.Extensions.Logging;

namespace McpServers.Documents.Backend.Confluence;

internal static partial class ConfluenceLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Confluence flavour: {Flavor}")]
    public static partial void FlavorDetected(ILogger logger, string flavor);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Confluence answered {Status} to {Method} {Path}")]
    public static partial void ConfluenceError(ILogger logger, int status, string method, string path);
}
