using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace McpServers.Shared.Audit;

/// <summary>
/// Writes one JSON object per line for every tools/call, through Serilog's file sink (rolled daily, shared between
/// processes) or to stderr with <c>--audit-log -</c>. Never to stdout. Values of secret parameters and of
/// secret-looking names become <c>***</c>; known secret values are masked anywhere; long values are cut.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private const string Property = "AuditLine";
    private readonly Logger _logger;
    private readonly SecretRedactor _redactor;
    private readonly int _maxValueChars;

    public AuditLog(IOptions<AuditOptions> options, ServerIdentity identity, SecretRedactor redactor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(identity);
        _redactor = redactor;
        AuditOptions o = options.Value;
        _maxValueChars = o.MaxValueChars;
        var config = new LoggerConfiguration().MinimumLevel.Information();
        if (o.Path == "-")
        {
            config.WriteTo.Sink(new StderrSink());
        }
        else
        {
            string path = string.IsNullOrWhiteSpace(o.Path) ? DefaultPath(identity.Name) : o.Path;
            CreatePrivateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            config.WriteTo.File(new LineFormatter(), path, rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: o.RetainedFiles, shared: true);
        }

        _logger = config.CreateLogger();
    }

    /// <summary>The default location: the user's local application-data folder, e.g. ~/.local/share/McpServers/audit.</summary>
    public static string DefaultPath(string server) => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "McpServers", "audit", server + "-.jsonl");

    public void Write(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _logger.Write(new LogEvent(e.Timestamp, LogEventLevel.Information, null, MessageTemplate.Empty,
            [new LogEventProperty(Property, new ScalarValue(ToJson(e)))]));
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

    public void Dispose() => _logger.Dispose();

    private void WriteRedacted(Utf8JsonWriter writer, JsonElement value, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when depth < 8:
                writer.WriteStartObject();
                foreach (JsonProperty p in value.EnumerateObject())
                {
                    writer.WritePropertyName(_redactor.Redact(TextTruncate(p.Name, 64)));
                    if (SecretNames.IsSecret(p.Name))
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
                writer.WriteStringValue(TextTruncate(_redactor.Redact(value.GetString()!), _maxValueChars));
                break;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                value.WriteTo(writer);
                break;
            default:
                writer.WriteStringValue("…");
                break;
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
            w.WriteEndObject();
            w.WriteStartObject("client");
            w.WriteString("name", e.ClientName);
            w.WriteString("version", e.ClientVersion);
            w.WriteEndObject();
            w.WriteString("tool", e.Tool);
            w.WritePropertyName("arguments");
            e.Arguments.WriteTo(w);
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
