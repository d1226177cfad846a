using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Shared.Errors;
using static McpServers.Crm.Backend.Salesforce.SalesforceRecords;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// A value the model gives for a write, checked against its field's describe (type, length, picklist values) and
/// written as Salesforce takes it. Every refusal is an input error saying what the field takes.
/// </summary>
internal static class SalesforceFieldValues
{
    /// <summary>A model-given value for <paramref name="field"/>, as JSON for Salesforce and as text for the preview.</summary>
    internal static (JsonNode? Node, string Text) WriteValue(SfField field, JsonElement value)
    {
        string name = field.Name!;
        string type = (field.Type ?? "").ToLowerInvariant();
        if (value.ValueKind == JsonValueKind.Null)
        {
            return field.Nillable ? (null, "(empty)") : throw new ToolInputException($"{name} is required in Salesforce; it cannot be emptied.");
        }

        switch (type)
        {
            case "picklist" or "multipicklist":
                {
                    string text = Text(value, name);
                    string[] allowed = [.. Picklist(field)];
                    string[] chosen = type == "multipicklist" ? text.Split(';', StringSplitOptions.TrimEntries) : [text];
                    if (chosen.Any(c => !allowed.Contains(c, StringComparer.Ordinal)))
                    {
                        throw new ToolInputException($"{name} must be one of: {string.Join(", ", allowed.Take(MaxPicklistValues))}" +
                            (allowed.Length > MaxPicklistValues ? ", …" : "") + ".");
                    }

                    return (JsonValue.Create(text), text);
                }

            case "string" or "textarea" or "email" or "phone" or "url" or "combobox":
                {
                    string text = Text(value, name);
                    bool multiline = type == "textarea";
                    if (text.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
                    {
                        throw new ToolInputException($"{name} must not contain {(multiline ? "control characters" : "line breaks or control characters")}.");
                    }

                    if (field.Length > 0 && text.Length > field.Length)
                    {
                        throw new ToolInputException(string.Create(CultureInfo.InvariantCulture, $"{name} takes at most {field.Length} characters; {text.Length} were given."));
                    }

                    return (JsonValue.Create(text), text);
                }

            case "reference" or "id":
                {
                    string id = SalesforceId.Parse(Text(value, name), name);
                    return (JsonValue.Create(id), id);
                }

            case "date":
                return DateOnly.TryParseExact(Text(value, name), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date)
                    ? (JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                    : throw new ToolInputException($"{name} is a date: give it as YYYY-MM-DD, e.g. 2026-12-31.");
            case "datetime":
                return DateTimeOffset.TryParse(Text(value, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset moment)
                    ? (JsonValue.Create(DateTimeText(moment)), DateTimeText(moment))
                    : throw new ToolInputException($"{name} is a date and time: give it in ISO 8601, e.g. 2026-12-31T15:00:00Z.");
            case "boolean":
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? (JsonValue.Create(value.GetBoolean()), value.GetBoolean() ? "true" : "false")
                    : throw new ToolInputException($"{name} is true or false.");
            case "currency" or "double" or "percent" or "int" or "long":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out decimal number)
                    || (type is "int" or "long" && number != decimal.Truncate(number)))
                {
                    throw new ToolInputException($"{name} is a {(type is "int" or "long" ? "whole number" : "number")}; give it as a JSON number.");
                }

                return (JsonValue.Create(number), number.ToString(CultureInfo.InvariantCulture));
            default:
                throw new ToolInputException($"{name} cannot be written by this server.");
        }
    }

    internal static string Text(JsonElement value, string name) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : throw new ToolInputException($"{name} takes text; give it as a JSON string.");
}
