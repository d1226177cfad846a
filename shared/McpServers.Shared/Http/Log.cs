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
}
