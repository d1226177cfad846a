using System.Globalization;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend.ServiceNow;

namespace McpServers.Ticketing.Tools.ServiceNow;

/// <summary>What every snow_* tool does the same way: page sizes under the caps, filters, write fields, previews.</summary>
internal static class SnowTooling
{
    public const int MaxFilters = 20;
    public const int MaxWriteFields = 30;
    public const int MaxWriteChars = 32_000;

    public const string FiltersDescription = "Conditions that must all hold, e.g. [{\"field\":\"priority\",\"operator\":\"equals\",\"value\":\"1\"}]. " +
        "Operators: " + EncodedQuery.OperatorList + " (is_empty/is_not_empty take no value; in takes comma-separated values). " +
        "Choice and reference fields compare by their stored value (priority 1, a group's sys_id) or, for equals, often by display name.";

    public const string TableDescription = "The table, e.g. incident, problem, change_request, sc_req_item or kb_knowledge (only those the administrator allows).";

    // [MaxLength] on a list is only read for its number (the advertised maxItems, enforced by the shared validator).
    public const string MaxLengthJustification = "Only the attribute's Length is read, to advertise maxItems; DataAnnotations validation is never run.";

    public static IReadOnlyList<SnowFilter> Filters(IReadOnlyList<SnowFilter>? filters) => filters ?? [];

    public static int PageSize(ServiceNowGateway gateway, int? requested) =>
        Math.Min(requested ?? gateway.Options.DefaultMaxResults, gateway.Options.MaxResults);

    /// <summary>The checked write fields: allowlisted for the table, scalar values as text, no script, within the size caps.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> WriteFieldsAsync(ServiceNowGateway gateway, string table, IReadOnlyDictionary<string, JsonElement>? fields,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<string> writable = await gateway.WritableFieldsAsync(table, cancellationToken);
        if (fields is null || fields.Count == 0)
        {
            throw new ToolInputException($"`fields` must set at least one field; writable in {table}: {string.Join(", ", writable)}.");
        }

        if (fields.Count > MaxWriteFields)
        {
            throw new ToolInputException($"`fields` may set at most {MaxWriteFields} fields in one call.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, JsonElement value) in fields)
        {
            if (!writable.Contains(name, StringComparer.Ordinal))
            {
                throw new ToolInputException($"`fields.{Shorten(name)}` is not writable in {table}; writable: {string.Join(", ", writable)} (an administrator sets ServiceNow:WritableFields).");
            }

            string text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() ?? "",
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => throw new ToolInputException($"`fields.{name}` must be text, a number or true/false."),
            };
            values[name] = WriteText(text, $"fields.{name}");
        }

        return values;
    }

    /// <summary>Text written to a field or journal: line breaks are fine in a JSON body, other control characters and scripts are not.</summary>
    public static string WriteText(string text, string where)
    {
        if (text.Length > MaxWriteChars)
        {
            throw new ToolInputException($"`{where}` is longer than {MaxWriteChars} characters.");
        }

        if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            throw new ToolInputException($"`{where}` may not contain control characters.");
        }

        if (text.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ToolInputException($"`{where}` may not start with 'javascript:': ServiceNow could run it as a script.");
        }

        return text;
    }

    /// <summary>The `fields` argument of a write, for its preview.</summary>
    public static IReadOnlyDictionary<string, JsonElement>? FieldsArgument(IReadOnlyDictionary<string, JsonElement> arguments) =>
        arguments.TryGetValue("fields", out JsonElement value) && value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal)
            : null;

    public static string? Text(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        arguments.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static void AppendFields(StringBuilder text, IReadOnlyDictionary<string, string> fields)
    {
        foreach ((string name, string value) in fields)
        {
            text.Append("\n- ").Append(name).Append(": ").Append(ConfirmationPreview.Value(value));
        }
    }

    /// <summary>One record as text lines: number, link and each field.</summary>
    public static void AppendRecord(StringBuilder text, SnowRecord record)
    {
        text.Append(record.Number ?? record.SysId).Append(" (").Append(record.Url).Append(')');
        foreach ((string field, string value) in record.Fields)
        {
            text.Append("\n  ").Append(field).Append(": ").Append(value.ReplaceLineEndings(" "));
        }
    }

    public static string Count(int? total, int shown) =>
        total is { } t ? string.Create(CultureInfo.InvariantCulture, $"{shown} of {t}") : shown.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string name) => name.Length > 60 ? name[..60] + "…" : name;
}
