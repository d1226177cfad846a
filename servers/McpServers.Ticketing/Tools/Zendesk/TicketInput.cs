using McpServers.Shared.Errors;

namespace McpServers.Ticketing.Tools.Zendesk;

/// <summary>Checks shared by the Zendesk tools that the schema cannot express (the generic ones are <see cref="Jira.IssueInput"/>'s).</summary>
internal static class TicketInput
{
    public const string TicketIdDescription = "Ticket number, e.g. 123 (as in #123).";

    public const string AssigneePattern = "^(me|[0-9]{1,19})$";

    /// <summary>
    /// Zendesk tags are single words: a space would split one tag into two, a comma likewise, and a double quote could
    /// never be searched for again.
    /// </summary>
    public static IReadOnlyList<string> Tags(IReadOnlyList<string>? tags)
    {
        foreach (string tag in tags ?? [])
        {
            if (tag.Length is 0 or > 80 || tag.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ',' or '"' or '\\'))
            {
                throw new ToolInputException("`tags` must be single words of 1 to 80 characters without spaces, commas, quotes or backslashes.");
            }
        }

        return tags ?? [];
    }
}
