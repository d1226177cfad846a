using System.Text;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using McpServers.Ticketing.Backend;

namespace McpServers.Ticketing.Tools.Jira;

/// <summary>Checks shared by the write tools that the schema cannot express.</summary>
internal static class IssueInput
{
    /// <summary>Most items any list parameter takes (advertised as maxItems).</summary>
    public const int MaxListItems = 50;

    // [MaxLength] on a list is only read for its number (the advertised maxItems, enforced by the shared validator);
    // its reflection-based IsValid, the part trimming could break, is never called.
    public const string MaxLengthJustification = "Only the attribute's Length is read, to advertise maxItems; DataAnnotations validation is never run.";

    /// <summary>A summary is one line: no CR, LF or NUL (advertised as the parameter's pattern, checked again here).</summary>
    public const string SingleLinePattern = "^[^\\r\\n\\x00]*$";

    /// <summary>
    /// A summary as Jira will store it: one line (a line break would forge extra lines in every list that shows it),
    /// without control or bidi characters, not blank.
    /// </summary>
    public static string Summary(string summary, string parameterName = "summary")
    {
        if (summary.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ToolInputException($"`{parameterName}` must be one line: no line breaks or NUL characters.");
        }

        string clean = TextHygiene.Clean(summary).Trim();
        return clean.Length > 0 ? clean : throw new ToolInputException($"`{parameterName}` must not be blank.");
    }

    /// <summary>Markdown text for a description: control and bidi characters removed (line breaks and tabs stay).</summary>
    public static string? Text(string? markdown) => markdown is null ? null : TextHygiene.Clean(markdown);

    /// <summary>A comment must say something once invisible characters are gone.</summary>
    public static string Comment(string markdown, string parameterName)
    {
        string clean = TextHygiene.Clean(markdown);
        return string.IsNullOrWhiteSpace(clean)
            ? throw new ToolInputException($"`{parameterName}` must contain text, not only spaces or invisible characters.")
            : clean;
    }

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
            text.Append("\n- ").Append(label).Append(": ").Append(ConfirmationPreview.Value(value));
        }
    }

    /// <summary>The schema allows only the <see cref="IssueOrder"/> names in lower case.</summary>
    public static IssueOrder Order(string? orderBy) =>
        orderBy is null ? IssueOrder.Updated : Enum.Parse<IssueOrder>(orderBy, ignoreCase: true);
}
