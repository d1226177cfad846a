using Microsoft.Extensions.Logging;

namespace McpServers.Communication.Slack;

/// <summary>Source-generated log messages of the Slack backend. Never tokens, message text, queries or channel content.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Slack {Method} answered ok:false with {Code}")]
    public static partial void ApiError(ILogger logger, string method, string code);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Slack {Method} answered HTTP {Status}")]
    public static partial void HttpError(ILogger logger, string method, int status);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Slack channel allowlist resolved: {Count} channels from {Pages} pages of conversations.list")]
    public static partial void ChannelsResolved(ILogger logger, int count, int pages);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Slack:Channels names a channel the token cannot see: {Name}")]
    public static partial void ChannelNotFound(ILogger logger, string name);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "Slack users.info failed for a user ({Code}); the user id is shown instead of a name")]
    public static partial void UserLookupFailed(ILogger logger, string code);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Slack message {Ts} was posted, but its permalink could not be read")]
    public static partial void PermalinkFailed(ILogger logger, string ts);
}
