using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using McpServers.Shared.Text;

namespace McpServers.Database.Backend;

/// <summary>What was read: rows as JSON cells, and whether a cap cut the result.</summary>
/// <param name="LastKey">Seek pages: the last row's ORDER BY key values as a JSON array (null when a value has no exact JSON form).</param>
internal sealed record ReadRows(IReadOnlyList<IReadOnlyList<JsonElement>> Rows, IReadOnlyList<ResultColumn> Columns, string? CutReason, string? LastKey = null);

/// <summary>
/// Streams a reader into JSON cells under the caps: at most <c>maxRows</c> rows (one more is read only to learn
/// that more exist), each text cell cleaned and cut to <c>maxCellChars</c>, and the whole under <c>maxBytes</c>.
/// </summary>
internal sealed class ResultWriter
{
    // Integers beyond 2^53 lose precision in JSON consumers that parse numbers as doubles.
    private const long MaxSafeInteger = 9_007_199_254_740_992;

    private readonly int _maxRows;
    private readonly int _maxCellChars;
    private readonly int _maxBytes;
    private readonly string _rowLimitReason;

    public ResultWriter(int maxRows, int maxCellChars, int maxBytes, string rowLimitReason)
    {
        _maxRows = maxRows;
        _maxCellChars = maxCellChars;
        _maxBytes = maxBytes;
        _rowLimitReason = rowLimitReason;
    }

    /// <param name="keyKinds">Seek pages: the last <c>keyKinds.Count</c> fields are ORDER BY keys, not shown but kept exactly for the cursor.</param>
    public async Task<ReadRows> ReadAsync(DbDataReader reader, IReadOnlyList<ValueHint>? hints, CancellationToken cancellationToken, IReadOnlyList<ColumnKind>? keyKinds = null)
    {
        int shown = reader.FieldCount - (keyKinds?.Count ?? 0);
        var columns = new List<ResultColumn>(shown);
        for (int i = 0; i < shown; i++)
        {
            columns.Add(new ResultColumn(TextHygiene.CleanAndTruncate(reader.GetName(i), 128), SafeTypeName(reader, i)));
        }

        var rowBuffers = new List<byte[]>();
        long total = 2;
        string? cut = null;
        var buffer = new ArrayBufferWriter<byte>(256);
        var keyBuffer = keyKinds is null ? null : new ArrayBufferWriter<byte>(64);
        bool keyExact = true;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (rowBuffers.Count == _maxRows)
            {
                cut = _rowLimitReason;
                break;
            }

            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                for (int i = 0; i < shown; i++)
                {
                    WriteCell(writer, reader, i, hints is not null && i < hints.Count ? hints[i] : ValueHint.None);
                }

                writer.WriteEndArray();
            }

            if (total + buffer.WrittenCount + 1 > _maxBytes)
            {
                cut = $"response size {_maxBytes / 1024} KiB";
                break;
            }

            total += buffer.WrittenCount + 1;
            rowBuffers.Add(buffer.WrittenSpan.ToArray());
            if (keyBuffer is not null)
            {
                keyBuffer.ResetWrittenCount();
                using var keys = new Utf8JsonWriter(keyBuffer);
                keys.WriteStartArray();
                keyExact = true;
                for (int k = 0; k < keyKinds!.Count && keyExact; k++)
                {
                    keyExact = WriteKey(keys, reader, shown + k, keyKinds[k]);
                }

                keys.WriteEndArray();
            }
        }

        string? lastKey = keyBuffer is { WrittenCount: > 0 } && keyExact ? System.Text.Encoding.UTF8.GetString(keyBuffer.WrittenSpan) : null;
        return new ReadRows(Parse(rowBuffers), columns, cut, lastKey);
    }

    /// <summary>A key value in the exact JSON form <see cref="ValueConverter"/> reads back for its kind; false for any other value.</summary>
    private static bool WriteKey(Utf8JsonWriter writer, DbDataReader reader, int i, ColumnKind kind)
    {
        if (reader.IsDBNull(i))
        {
            writer.WriteNullValue();
            return true;
        }

        object value;
        try
        {
            value = reader.GetValue(i);
        }
        catch (Exception ex) when (ex is InvalidCastException or NotSupportedException or OverflowException)
        {
            return false; // no exact form: the next page goes on by offset
        }

        switch (value)
        {
            case long or int or short or byte or sbyte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                return true;
            case string text:
                writer.WriteStringValue(text);
                return true;
            case Guid guid:
                writer.WriteStringValue(guid.ToString("D"));
                return true;
            case bool flag:
                writer.WriteBooleanValue(flag);
                return true;
            case DateOnly date:
                writer.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                return true;
            case DateTime time when kind == ColumnKind.Date:
                writer.WriteStringValue(time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                return true;
            case DateTime time when kind is ColumnKind.Timestamp or ColumnKind.TimestampTz:
                writer.WriteStringValue(time.ToString(kind == ColumnKind.TimestampTz ? "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture));
                return true;
            default:
                return false;
        }
    }

    private static List<IReadOnlyList<JsonElement>> Parse(List<byte[]> rowBuffers)
    {
        var rows = new List<IReadOnlyList<JsonElement>>(rowBuffers.Count);
        if (rowBuffers.Count == 0)
        {
            return rows;
        }

        var all = new ArrayBufferWriter<byte>();
        all.Write("["u8);
        for (int i = 0; i < rowBuffers.Count; i++)
        {
            if (i > 0)
            {
                all.Write(","u8);
            }

            all.Write(rowBuffers[i]);
        }

        all.Write("]"u8);
        using JsonDocument document = JsonDocument.Parse(all.WrittenMemory);
        foreach (JsonElement row in document.RootElement.Clone().EnumerateArray())
        {
            rows.Add(row.EnumerateArray().ToArray());
        }

        return rows;
    }

    private static string SafeTypeName(DbDataReader reader, int ordinal)
    {
        try
        {
            return reader.GetDataTypeName(ordinal);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or InvalidCastException)
        {
            return "unknown";
        }
    }

    private void WriteCell(Utf8JsonWriter writer, DbDataReader reader, int i, ValueHint hint)
    {
        if (reader.IsDBNull(i))
        {
            writer.WriteNullValue();
            return;
        }

        object value;
        try
        {
            value = reader.GetValue(i);
        }
        catch (Exception ex) when (ex is InvalidCastException or NotSupportedException or OverflowException)
        {
            writer.WriteStringValue($"<value of type {SafeTypeName(reader, i)} not shown>");
            return;
        }

        switch (value)
        {
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l when hint.Kind == ColumnKind.Boolean:
                writer.WriteBooleanValue(l != 0);
                break;
            case long l:
                WriteInteger(writer, l);
                break;
            case int n:
                writer.WriteNumberValue(n);
                break;
            case short s:
                writer.WriteNumberValue(s);
                break;
            case byte u:
                writer.WriteNumberValue(u);
                break;
            case decimal d:
                WriteDecimal(writer, hint.Scale is { } scale ? Math.Round(d, scale, MidpointRounding.AwayFromZero) : d);
                break;
            case double f when hint.Kind == ColumnKind.Decimal && double.IsFinite(f) && Math.Abs(f) < 7.9e27:
                // SQLite keeps NUMERIC as REAL: show it at the declared scale instead of binary noise (0.30000000000000004).
                decimal approx = (decimal)f;
                WriteDecimal(writer, hint.Scale is { } s2 ? Math.Round(approx, s2, MidpointRounding.AwayFromZero) : approx);
                break;
            case double f:
                WriteDouble(writer, f);
                break;
            case float f:
                WriteDouble(writer, f);
                break;
            case DateTime dt when string.Equals(SafeTypeName(reader, i), "date", StringComparison.OrdinalIgnoreCase):
                writer.WriteStringValue(dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case DateTime dt:
                writer.WriteStringValue(dt.Kind == DateTimeKind.Utc
                    ? dt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
                    : dt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case DateOnly date:
                writer.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset dto:
                writer.WriteStringValue(dto.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
                break;
            case TimeSpan ts:
                writer.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture));
                break;
            case TimeOnly time:
                writer.WriteStringValue(time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case Guid g:
                writer.WriteStringValue(g.ToString("D"));
                break;
            case byte[] bytes:
                // Binary is described, never dumped: it is rarely useful to a model and can be large.
                writer.WriteStringValue($"<binary, {bytes.Length} bytes>");
                break;
            case string text when hint.Kind == ColumnKind.Decimal:
                WriteNumericText(writer, text, hint.Scale);
                break;
            case string text when hint.Kind is ColumnKind.Timestamp or ColumnKind.TimestampTz && text.Length >= 19 && text[10] == ' ':
                // SQLite timestamps are stored as "yyyy-MM-dd HH:mm:ss"; ISO 8601 uses a T.
                writer.WriteStringValue(TextHygiene.CleanAndTruncate(string.Concat(text.AsSpan(0, 10), "T", text.AsSpan(11)), _maxCellChars));
                break;
            case string text:
                writer.WriteStringValue(TextHygiene.CleanAndTruncate(text, _maxCellChars));
                break;
            case Array array:
                writer.WriteStringValue(TextHygiene.CleanAndTruncate(
                    "{" + string.Join(",", array.Cast<object?>().Select(o => System.Convert.ToString(o, CultureInfo.InvariantCulture))) + "}", _maxCellChars));
                break;
            default:
                writer.WriteStringValue(TextHygiene.CleanAndTruncate(System.Convert.ToString(value, CultureInfo.InvariantCulture), _maxCellChars));
                break;
        }
    }

    private static void WriteInteger(Utf8JsonWriter writer, long value)
    {
        if (value is >= -MaxSafeInteger and <= MaxSafeInteger)
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// A numeric the database sent as text (exact). Up to 15 significant digits it becomes a JSON number; wider values
    /// stay strings with every digit, unless rounding to the known scale (averages) brings them within range.
    /// </summary>
    private static void WriteNumericText(Utf8JsonWriter writer, string text, int? scale)
    {
        bool parsed = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value);
        if (parsed && SignificantDigits(text) <= 15)
        {
            WriteDecimal(writer, scale is { } s ? Math.Round(value, s, MidpointRounding.AwayFromZero) : value);
        }
        else if (parsed && scale is { } s2 && SignificantDigits(Math.Round(value, s2, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture)) <= 15)
        {
            WriteDecimal(writer, Math.Round(value, s2, MidpointRounding.AwayFromZero));
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    private static int SignificantDigits(string text) =>
        text.TrimStart('-').Replace(".", string.Empty, StringComparison.Ordinal).TrimStart('0').Length;

    /// <summary>Numbers with up to 15 significant digits survive a double round trip; longer ones travel as strings.</summary>
    internal static void WriteDecimal(Utf8JsonWriter writer, decimal value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        if (SignificantDigits(text) <= 15)
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }
}
