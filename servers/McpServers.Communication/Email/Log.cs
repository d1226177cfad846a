using Microsoft.Extensions.Logging;

namespace McpServers.Communication.Email;

/// <summary>Source-generated log messages of the e-mail backend. Never log passwords, tokens, addresses' mail text or bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "{Protocol} operation failed ({ExceptionType})")]
    public static partial void MailFailure(ILogger logger, string protocol, string exceptionType);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "The sent message could not be saved to the Sent folder ({Reason})")]
    public static partial void SentCopyFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Debug, Message = "Folder {Folder} skipped: it does not exist on the server")]
    public static partial void FolderMissing(ILogger logger, string folder);
}
