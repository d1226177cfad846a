using Microsoft.Extensions.Logging;

namespace McpServers.Shared.Http;

/// <summary>
/// Backend HTTP log events. Only method, host, path (no query: it can carry keys) and outcome: never headers or
/// bodies, which is where tokens, cookies and personal data live.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{Client}: {Method} {Host}{Path} -> {Status} in {ElapsedMs} ms")]
    public static partial void Response(ILogger logger, string client, string method, string host, string path, int status, long elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Client}: {Method} {Host}{Path} -> {Status} in {ElapsedMs} ms")]
    public static partial void ErrorResponse(ILogger logger, string client, string method, string host, string path, int status, long elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Client}: {Method} {Host}{Path} failed after {ElapsedMs} ms ({Error})")]
    public static partial void Failed(ILogger logger, string client, string method, string host, string path, long elapsedMs, HttpRequestError error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "{Client}: {Method} {Host}{Path} cancelled after {ElapsedMs} ms")]
    public static partial void Cancelled(ILogger logger, string client, string method, string host, string path, long elapsedMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Client}: {Method} {Host}{Path} -> {Status} redirect to {Target} refused: {Reason}")]
    public static partial void RedirectRefused(ILogger logger, string client, string method, string host, string path, int status, string target, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "{Client}: {Method} {Host}{Path} -> {Status} redirect to {Target} followed")]
    public static partial void RedirectFollowed(ILogger logger, string client, string method, string host, string path, int status, string target);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "{Client}: {Method} {Host}{Path}: response body over the cap of {Limit} bytes")]
    public static partial void ResponseTooLarge(ILogger logger, string client, string method, string host, string path, long limit);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "{Client}: {Method} {Host}{Path}: the {Header} header holds a character HTTP does not allow; not sent")]
    public static partial void InvalidHeader(ILogger logger, string client, string method, string host, string path, string header);
}
