using Microsoft.Extensions.Logging;

namespace McpServers.Documents;

/// <summary>Source-generated log messages. Never log credentials, document text or search words.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Source {Source} failed during a search of several sources: {Kind}")]
    public static partial void SourceSkipped(ILogger logger, string source, string kind);
}
