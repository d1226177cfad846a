using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using ILogger = Microsoft.Extensions.Logging.ILogger;

namespace McpServers.Shared.Audit;

/// <summary>
/// Writes one JSON object per line for every tools/call, through Serilog's file sink (rolled daily and by size,
/// shared between processes) or to stderr with <c>--audit-log -</c>. Never to stdout. Values of secret parameters and
/// of secret-looking names become <c>***</c>; known secret values are masked anywhere; long values are cut.
/// The file can fail (disk full, permissions, folder gone): <see cref="IsWritable"/> then says so, the pipeline
/// refuses write tools, and each line that could not be written goes to the diagnostic log (stderr) instead.
/// </summary>
public sealed partial class AuditLog : IDisposable
{
    private const string Property = "AuditLine";
    private readonly SecretRedactor _redactor;
    private readonly ILogger _logger;
    private readonly AuditOptions _options;
    private readonly int _maxValueChars;
    private readonly string? _path;
    private readonly Lock _gate = new();
    private readonly FailureListener _failures = new();
    private ILogEventSink? _sink;
    private volatile string? _problem;

    public AuditLog(IOptions<AuditOptions> options, ServerIdentity identity, SecretRedactor redactor, ILogger<AuditLog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(identity);
        _redactor = redactor;
        _logger = logger;
        _options = options.Value;
        _maxValueChars = _options.MaxValueChars;
        if (_options.Path == "-")
        {
            _sink = new StderrSink();
        }
        else
        {
            _path = Path.GetFullPath(string.IsNullOrWhiteSpace(_options.Path) ? DefaultPath(identity.Name) : _options.Path);
            lock (_gate)
            {
                OpenFileSink();
            }
        }
    }

    /// <summary>False after the audit file could not be opened or written (until a later write succeeds).</summary>
    public bool IsWritable => _problem is null;

    /// <summary>Why the audit file cannot be written, naming the setting to fix; null while it can.</summary>
    public string? Problem => _problem;

    /// <summary>
    /// Whether a call that changes something may start: the file is writable and its folder still exists (a
    /// deleted folder would otherwise swallow lines into a file nobody can see). Reopens the file when needed, so
    /// the server recovers once an administrator fixes the path.
    /// </summary>
    public bool EnsureWritable()
    {
        if (_path is null)
        {
            return true;
        }

        lock (_gate)
        {
            if (_problem is not null || !Directory.Exists(Path.GetDirectoryName(_path)))
            {
                OpenFileSink();
            }

            return _problem is null;
        }
    }

    /// <summary>Where audit lines go, in words for <c>--check</c>.</summary>
    public string Target => _path is null ? "audit lines go to stderr" : $"audit log writable in '{Path.GetDirectoryName(_path)}'";

    /// <summary>
    /// Proves the folder takes a new file now (the file sink only opens its file on the first line), for
    /// <c>--check</c>. Returns the problem, or null.
    /// </summary>
    public string? Probe()
    {
        if (_path is null)
        {
            return null;
        }

        if (!EnsureWritable())
        {
            return _problem;
        }

        string probe = Path.Combine(Path.GetDirectoryName(_path)!, $".probe-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Describe(ex.Message);
        }
    }

    /// <summary>The default location: the user's local application-data folder, e.g. ~/.local/share/McpServers/audit.</summary>
    public static string DefaultPath(string server) => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "McpServers", "audit", server + "-.jsonl");

    /// <summary>Writes the event; false (and the line on stderr) when the audit file could not take it.</summary>
    public bool Write(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string line = ToJson(e);
        var logEvent = new LogEvent(e.Timestamp, LogEventLevel.Information, null, MessageTemplate.Empty,
            [new LogEventProperty(Property, new ScalarValue(line))]);
        string? problem;
        lock (_gate)
        {
            if (_path is not null && (_problem is not null || !Directory.Exists(Path.GetDirectoryName(_path))))
            {
                OpenFileSink();
            }

            _failures.Failed = null;
            try
            {
                _sink?.Emit(logEvent);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _failures.Failed = ex.Message;
            }

            if (_sink is not null && _failures.Failed is { } failure)
            {
                _problem = Describe(failure);
            }
            else if (_sink is not null)
            {
                _problem = null;
            }

            problem = _problem;
        }

        if (problem is not null)
        {
            LogUnwritten(_logger, problem, line);
            return false;
        }

        return true;
    }

    /// <summary>Copies tool arguments into a redacted JSON object.</summary>
    public JsonElement Redact(IDictionary<string, JsonElement>? arguments, IReadOnlySet<string> secretParameters)
    {
        ArgumentNullException.ThrowIfNull(secretParameters);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach ((string name, JsonElement value) in arguments ?? new Dictionary<string, JsonElement>())
            {
                writer.WritePropertyName(_redactor.Redact(TextTruncate(name, 64)));
                if (secretParameters.Contains(name) || SecretNames.IsSecret(name))
                {
                    writer.WriteStringValue(SecretRedactor.Mask);
                }
                else
                {
                    WriteRedacted(writer, value, depth: 0);
                }
            }

            writer.WriteEndObject();
        }

        using JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            (_sink as IDisposable)?.Dispose();
            _sink = null;
        }
    }

    /// <summary>(Re)creates the file sink; on failure the log is marked unwritable. Callers hold the lock.</summary>
    private void OpenFileSink()
    {
        (_sink as IDisposable)?.Dispose();
        _sink = null;
        try
        {
            CreatePrivateDirectory(Path.GetDirectoryName(_path!)!);
            // Serilog's file sink reports a file it cannot open or write to its failure listener, not as an exception.
            ILogEventSink sink = LoggerSinkConfiguration.CreateSink(to => to.File(new LineFormatter(), _path!,
                rollingInterval: RollingInterval.Day, fileSizeLimitBytes: _options.FileSizeLimitBytes, rollOnFileSizeLimit: true,
                retainedFileCountLimit: _options.RetainedFiles, shared: true));
            if (sink is ISetLoggingFailureListener listening)
            {
                listening.SetFailureListener(_failures);
            }

            _sink = sink;
            _problem = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _problem = Describe(ex.Message);
        }
    }

    private string Describe(string failure) =>
        $"the audit log cannot be written at '{_path}' ({failure}); fix Audit:Path (--audit-log): free disk space, permissions, or the folder";

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Audit: {Problem}. The audit line follows here instead: {Line}")]
    private static partial void LogUnwritten(ILogger logger, string problem, string line);

    /// <summary>Records a failure the file sink reports while one event is written (the caller holds the lock).</summary>
    private sealed class FailureListener : ILoggingFailureListener
    {
        public string? Failed { get; set; }

        public void OnLoggingFailed(object sender, LoggingFailureKind kind, string message, IReadOnlyCollection<LogEvent>? events, Exception? exception)
        {
            // Temporary: the sink is trying the next file in sequence, and may still succeed.
            if (kind != LoggingFailureKind.Temporary)
            {
                Failed = exception?.Message ?? message;
            }
        }
    }

    private void WriteRedacted(Utf8JsonWriter writer, JsonElement value, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when depth < 8:
                writer.WriteStartObject();
                foreach (JsonProperty p in value.EnumerateObject())
                {
                    string name = SafeName(p);
                    writer.WritePropertyName(_redactor.Redact(TextTruncate(name, 64)));
                    if (SecretNames.IsSecret(name))
                    {
                        writer.WriteStringValue(SecretRedactor.Mask);
                    }
                    else
                    {
                        WriteRedacted(writer, p.Value, depth + 1);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array when depth < 8:
                writer.WriteStartArray();
                int n = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    if (++n > 50)
                    {
                        writer.WriteStringValue("…");
                        break;
                    }

                    WriteRedacted(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(TextTruncate(_redactor.Redact(SafeString(value)), _maxValueChars));
                break;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                value.WriteTo(writer);
                break;
            default:
                writer.WriteStringValue("…");
                break;
        }
    }

    /// <summary>A property name, or a placeholder when it is not valid Unicode (a lone surrogate).</summary>
    internal static string SafeName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return "(name that is not valid Unicode)";
        }
    }

    /// <summary>A string's text, or its JSON spelling (e.g. <c>"\ud800x"</c>) when it is not valid Unicode.</summary>
    private static string SafeString(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return value.GetRawText();
        }
    }

    private static string TextTruncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");

    private string ToJson(AuditEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("ts", e.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("server", e.Server);
            w.WriteString("server_version", e.ServerVersion);
            w.WriteStartObject("principal");
            w.WriteString("os_user", e.OsUser);
            w.WriteString("backend", e.BackendIdentity);
            if (e.Caller is { } caller)
            {
                // Over HTTP the OS user is the service account: the caller is who the token says.
                w.WriteString("subject", _redactor.Redact(TextTruncate(caller.Subject, 256)));
                w.WriteString("client_id", caller.ClientId is null ? null : _redactor.Redact(TextTruncate(caller.ClientId, 256)));
                w.WriteString("auth", caller.Method);
                w.WriteString("backend_credential", e.BackendCredential);
            }

            w.WriteEndObject();
            w.WriteStartObject("client");
            w.WriteString("name", e.ClientName);
            w.WriteString("version", e.ClientVersion);
            w.WriteEndObject();
            w.WriteString("tool", e.Tool);
            w.WritePropertyName("arguments");
            if (e.Arguments.ValueKind == JsonValueKind.Undefined)
            {
                w.WriteNullValue();
            }
            else
            {
                e.Arguments.WriteTo(w);
            }

            w.WriteNumber("duration_ms", Math.Round(e.DurationMs, 3));
            w.WriteString("outcome", e.Outcome);
            w.WriteString("reason", e.Reason is null ? null : _redactor.Redact(e.Reason));
            w.WriteString("downstream", e.Downstream is null ? null : _redactor.Redact(e.Downstream));
            w.WriteString("correlation_id", e.CorrelationId);
            if (e.BackendWarnings is { Count: > 0 } warnings)
            {
                w.WriteStartArray("backend_warnings");
                foreach (string warning in warnings)
                {
                    w.WriteStringValue(_redactor.Redact(warning));
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void CreatePrivateDirectory(string directory)
    {
        // The audit trail holds what users asked for: readable by its owner only.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private sealed class LineFormatter : ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output)
        {
            if (logEvent.Properties.TryGetValue(Property, out LogEventPropertyValue? value) && value is ScalarValue { Value: string line })
            {
                output.Write(line);
                output.Write('\n');
            }
        }
    }

    private sealed class StderrSink : ILogEventSink
    {
        private readonly LineFormatter _formatter = new();
        private readonly Lock _gate = new();

        public void Emit(LogEvent logEvent)
        {
            lock (_gate)
            {
                _formatter.Format(logEvent, Console.Error);
                Console.Error.Flush();
            }
        }
    }
}
