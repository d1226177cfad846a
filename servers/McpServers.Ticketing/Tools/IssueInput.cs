using System.Text;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Ticketing.Backend;

namespace McpServers.Ticketing.Tools;

/// <summary>Checks shared by the write tools that the schema cannot express.</summary>
internal static class IssueInput
{
    public static IReadOnlyList<string> Labels(IReadOnlyList<string>? labels)
    {
        foreach (string label in labels ?? [])
        {
            // Jira labels are single words; a space would silently split one label into two.
            if (label.Length is 0 or > 255 || label.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new ToolInputException("`labels` must be single words of 1 to 255 characters without spaces.");
            }
        }

        return labels ?? [];
    }

    /// <summary>A string argument as validated against the schema, or null when absent or null.</summary>
    public static string? Text(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        arguments.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A list-of-strings argument as validated against the schema, or null when absent or null.</summary>
    public static IReadOnlyList<string>? List(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        arguments.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(v => v.GetString() ?? string.Empty)]
            : null;

    /// <summary>One preview line, only for a value that was given.</summary>
    public static void AppendIfSet(StringBuilder text, string label, string? value)
    {
        if (value is not null)
        {
            text.Append("\n- ").Append(label).Append(": ").Append(value);
        }
    }

    /// <summary>The schema allows only the <see cref="IssueOrder"/> names in lower case.</summary>
    public static IssueOrder Order(string? orderBy) =>
        orderBy is null ? IssueOrder.Updated : Enum.Parse<IssueOrder>(orderBy, ignoreCase: true);
}
