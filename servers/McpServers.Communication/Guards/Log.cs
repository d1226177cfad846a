using Microsoft.Extensions.Logging;

namespace McpServers.Communication.Guards;

/// <summary>Diagnostic log lines of the write guards (stderr, never stdout); no recipients, subjects or bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Information,
        Message = "A send by {Tool} was refused: {Setting} reached; it resets at {ResetsAt:o}.")]
    public static partial void SendCapReached(ILogger logger, string tool, string setting, DateTimeOffset resetsAt);
}
