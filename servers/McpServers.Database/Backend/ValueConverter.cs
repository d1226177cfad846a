using System.Globalization;
using System.Text.Json;
using McpServers.Shared.Errors;

namespace McpServers.Database.Backend;

// The As* helpers return a boxed value or null on purpose: null means "does not fit" for one shared error path.
#pragma warning disable CA1859

/// <summary>
/// Turns JSON values from the model into CLR values of the column's type. A value that does not fit is an input
/// error naming the column and the expected type, so the database never sees a value of the wrong type.
/// </summary>
internal static class ValueConverter
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd"];

    public static object Convert(JsonElement value, ColumnKind kind, string subject, string typeName)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            throw new ToolInputException($"{subject} needs a value; use the is_null / is_not_null operators to test for missing values.");
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            CheckText(value.GetString()!, subject);
        }

        object? result = kind switch
        {
            ColumnKind.Text or ColumnKind.Other or ColumnKind.Json => AsText(value),
            ColumnKind.Integer => AsInteger(value),
            ColumnKind.Decimal => AsDecimal(value),
            ColumnKind.Float => AsDouble(value),
            ColumnKind.Boolean => AsBoolean(value),
            ColumnKind.Date => AsDate(value),
            ColumnKind.Timestamp => AsTimestamp(value, utc: false),
            ColumnKind.TimestampTz => AsTimestamp(value, utc: true),
            ColumnKind.Uuid => value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out Guid g) ? g : null,
            _ => null,
        };

        return result ?? throw new ToolInputException($"{subject} must be {Expected(kind)} (column type {typeName}); got {Describe.Input(value.GetRawText())}.");
    }

    /// <summary>
    /// PostgreSQL text cannot hold a NUL character (the driver fails the whole statement), so it is refused as input
    /// on both backends instead of coming back as a database error.
    /// </summary>
    public static string CheckText(string text, string subject) =>
        text.Contains('\0', StringComparison.Ordinal)
            ? throw new ToolInputException($"{subject}: the value contains a NUL character (\\u0000), which a database text value cannot hold; remove it.")
            : text;

    public static string Expected(ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => "a whole number",
        ColumnKind.Decimal or ColumnKind.Float => "a number",
        ColumnKind.Boolean => "true or false",
        ColumnKind.Date => "a date like 2026-03-31",
        ColumnKind.Timestamp or ColumnKind.TimestampTz => "a date-time like 2026-03-31T14:00:00Z (or a date like 2026-03-31)",
        ColumnKind.Uuid => "a UUID string",
        ColumnKind.Bytes => "not comparable (binary column; only is_null / is_not_null work)",
        _ => "a string",
    };

    private static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };

    private static object? AsInteger(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n))
        {
            return n;
        }

        return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long s)
            ? s
            : null;
    }

    private static object? AsDecimal(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out decimal n))
        {
            return n;
        }

        return value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out decimal s)
            ? s
            : null;
    }

    private static object? AsDouble(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double n) && double.IsFinite(n))
        {
            return n;
        }

        return value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && double.IsFinite(s)
            ? s
            : null;
    }

    private static object? AsBoolean(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when bool.TryParse(value.GetString(), out bool b) => b,
        _ => null,
    };

    private static object? AsDate(JsonElement value) =>
        value.ValueKind == JsonValueKind.String
        && DateOnly.TryParseExact(value.GetString(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d)
            ? d
            : null;

    private static object? AsTimestamp(JsonElement value, bool utc)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: >= 10 and <= 40 } text)
        {
            return null;
        }

        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime parsed))
        {
            return null;
        }

        // timestamptz parameters must be UTC for Npgsql; a plain timestamp compares wall-clock values, so an
        // explicit offset is converted to UTC and a missing one is taken as written (AssumeUniversal).
        return DateTime.SpecifyKind(parsed, utc ? DateTimeKind.Utc : DateTimeKind.Unspecified);
    }
}
