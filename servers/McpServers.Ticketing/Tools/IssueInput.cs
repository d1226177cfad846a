using McpServers.Shared.Errors;

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
}
