using System.Globalization;
using System.Text;
using McpServers.Shared.Errors;

namespace McpServers.Ticketing.Backend.Zendesk;

/// <summary>
/// Builds a Zendesk Search API query ("Zendesk Support search reference") from a structured filter. Model text is
/// never concatenated into the query as syntax: every value is a double-quoted phrase, keywords and operators
/// (<c>:</c>, <c>&gt;=</c>, <c>&lt;</c>) come only from this class, and the query always starts with <c>type:ticket</c>.
/// Zendesk's syntax has no escape inside a quoted phrase, so a value holding a double quote, a backslash or a control
/// character is refused instead of escaped.
/// </summary>
public static class ZendeskQuery
{
    public const int MaxValueChars = 255;

    public static readonly IReadOnlyList<string> StatusValues = ["new", "open", "pending", "hold", "solved", "closed"];

    public static readonly IReadOnlyList<string> PriorityValues = ["low", "normal", "high", "urgent"];

    public static string Build(TicketFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new StringBuilder("type:ticket");
        foreach (string status in filter.Statuses)
        {
            query.Append(" status:").Append(Quote(OneOf(status, StatusValues, "statuses"), "statuses"));
        }

        foreach (string priority in filter.Priorities)
        {
            query.Append(" priority:").Append(Quote(OneOf(priority, PriorityValues, "priorities"), "priorities"));
        }

        if (filter.Assignee is { } assignee)
        {
            query.Append(" assignee:").Append(assignee switch
            {
                "me" => "me",
                "none" or "unassigned" => "none",
                _ => Quote(assignee, "assignee"),
            });
        }

        if (filter.Requester is { } requester)
        {
            query.Append(" requester:").Append(requester == "me" ? "me" : Quote(requester, "requester"));
        }

        if (filter.Group is { } group)
        {
            query.Append(" group:").Append(group == "none" ? "none" : Quote(group, "group"));
        }

        foreach (string tag in filter.Tags)
        {
            query.Append(" tags:").Append(Quote(tag, "tags"));
        }

        if (filter.Text is { } text)
        {
            string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                throw new ToolInputException("`text` must contain at least one word.");
            }

            foreach (string word in words)
            {
                query.Append(' ').Append(Quote(word, "text"));
            }
        }

        AddDate(query, "created>=", filter.CreatedFrom);
        AddDate(query, "created<", filter.CreatedBefore);
        AddDate(query, "updated>=", filter.UpdatedFrom);
        AddDate(query, "updated<", filter.UpdatedBefore);
        return query.ToString();
    }

    /// <summary>The Search API's <c>sort_by</c> value for an order (a fixed set).</summary>
    public static string SortBy(TicketOrder order) => order switch
    {
        TicketOrder.CreatedAt => "created_at",
        TicketOrder.Priority => "priority",
        TicketOrder.Status => "status",
        TicketOrder.TicketType => "ticket_type",
        _ => "updated_at",
    };

    /// <summary>
    /// A quoted phrase. A double quote would end the phrase early and a backslash is not an escape Zendesk documents,
    /// so either (and any control character, line breaks included) is refused: no status, name or tag holds one.
    /// </summary>
    public static string Quote(string value, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxValueChars)
        {
            throw new ToolInputException($"`{parameterName}` values must be 1 to {MaxValueChars} characters long and not blank.");
        }

        if (value.Any(c => c is '"' or '\\' || char.IsControl(c)))
        {
            throw new ToolInputException(
                $"`{parameterName}` must not contain double quotes, backslashes or control characters: Zendesk's search syntax cannot escape them.");
        }

        return "\"" + value.Trim() + "\"";
    }

    private static string OneOf(string value, IReadOnlyList<string> allowed, string parameterName) =>
        allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
            ?? throw new ToolInputException($"`{parameterName}` values must be among: {string.Join(", ", allowed)}.");

    private static void AddDate(StringBuilder query, string keywordAndOperator, DateOnly? date)
    {
        if (date is { } d)
        {
            query.Append(' ').Append(keywordAndOperator).Append(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
    }
}
