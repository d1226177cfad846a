using System.Globalization;
using Microsoft.Extensions.Logging;

namespace McpServers.Shared.Hosting;

/// <summary>
/// The diagnostic log: one line per entry on stderr (stdout belongs to JSON-RPC), every line passed through the
/// <see cref="SecretRedactor"/>. Deliberately tiny and synchronous: no background queue that could lose the last
/// lines before an exit, and no reflection (NativeAOT).
/// </summary>
public sealed class StderrLoggerProvider(SecretRedactor redactor, TextWriter? writer = null) : ILoggerProvider
{
    private readonly TextWriter _writer = writer ?? Console.Error;
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        string text = string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {LevelName(level)} {category}[{eventId.Id}] {message}");
        if (exception is not null)
        {
            text += Environment.NewLine + exception;
        }

        text = redactor.Redact(text);
        lock (_gate)
        {
            _writer.WriteLine(text);
            _writer.Flush();
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private sealed class StderrLogger(StderrLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }
}
