using Microsoft.Extensions.Logging;

namespace McpServers.Documents.Backend.Local;

/// <summary>Source-generated log messages of the local source (stderr, never stdout). File text is never logged.</summary>
internal static partial class LocalLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Indexing local folders: {Total} files to check")]
    public static partial void IndexStarted(ILogger logger, long total);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Indexing local folders: {Done} of {Total} files")]
    public static partial void IndexProgress(ILogger logger, long done, long total);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Local index ready: {Total} files ({Changed} read, {Removed} removed) in {Seconds:0.0} s")]
    public static partial void IndexReady(ILogger logger, long total, long changed, long removed, double seconds);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Another process is writing the local index; this one reads it")]
    public static partial void IndexBusy(ILogger logger);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "A local file could not be extracted")]
    public static partial void FileFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "Indexing local folders failed")]
    public static partial void IndexFailed(ILogger logger, Exception exception);
}
