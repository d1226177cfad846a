using System.Globalization;
using System.Text;
using McpServers.Shared.Errors;

namespace McpServers.Ticketing.Backend;

/// <summary>
/// Builds JQL from a structured filter. Model text is never concatenated into the query: every value is a quoted
/// JQL string literal escaped here, field names, operators, functions and ORDER BY keys come only from this class,
/// and the result always starts with the administrator's <c>project in (...)</c> allowlist, ANDed with the rest.
/// </summary>
public static class Jql
{
    private const int MaxValueChars = 255;

    // Lucene operators inside a `text ~` phrase change its meaning (wildcards, fuzzy, boolean); they are replaced by
    // spaces so the words are searched as words ("Search syntax for text fields", Atlassian support).
    private const string LuceneSpecials = "+-&|!(){}[]^~*?\\:\"/";

    public static string Build(IssueFilter filter, IReadOnlyList<string> allowedProjects)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(allowedProjects);
        if (allowedProjects.Count == 0)
        {
            throw new InvalidOperationException("The project allowlist is empty.");
        }

        var conditions = new List<string>();
        if (filter.Projects.Count > 0)
        {
            string[] outside = [.. filter.Projects.Where(p => !allowedProjects.Contains(p, StringComparer.Ordinal))];
            if (outside.Length > 0)
            {
                throw new ToolInputException(
                    $"`projects` may only name the allowed projects ({string.Join(", ", allowedProjects)}); not allowed: {string.Join(", ", outside.Select(Shown))}.");
            }

            conditions.Add("project in " + List(filter.Projects, "projects"));
        }

        AddIn(conditions, "status", filter.Statuses, "statuses");
        if (filter.StatusCategory is { } category)
        {
            conditions.Add("statusCategory = " + Quote(CategoryName(category), "status_category"));
        }

        if (filter.Assignee is { } assignee)
        {
            conditions.Add(assignee switch
            {
                "me" => "assignee = currentUser()",
                "unassigned" => "assignee is EMPTY",
                _ => "assignee = " + Quote(assignee, "assignee"),
            });
        }

        if (filter.Reporter is { } reporter)
        {
            conditions.Add(reporter == "me" ? "reporter = currentUser()" : "reporter = " + Quote(reporter, "reporter"));
        }

        AddIn(conditions, "issuetype", filter.Types, "types");
        AddIn(conditions, "priority", filter.Priorities, "priorities");
        AddIn(conditions, "labels", filter.Labels, "labels");
        if (filter.Text is { } text)
        {
            string words = TextPhrase(text);
            if (words.Length == 0)
            {
                throw new ToolInputException("`text` must contain at least one word (letters or digits).");
            }

            conditions.Add("text ~ " + Quote(words, "text"));
        }

        AddDate(conditions, "created >= ", filter.CreatedFrom);
        AddDate(conditions, "created < ", filter.CreatedBefore);
        AddDate(conditions, "updated >= ", filter.UpdatedFrom);
        AddDate(conditions, "updated < ", filter.UpdatedBefore);

        var jql = new StringBuilder("project in ").Append(List(allowedProjects, "Jira:Projects"));
        if (conditions.Count > 0)
        {
            jql.Append(" AND (").AppendJoin(" AND ", conditions).Append(')');
        }

        jql.Append(" ORDER BY ").Append(OrderField(filter.OrderBy)).Append(filter.Ascending ? " ASC" : " DESC");
        return jql.ToString();
    }

    /// <summary>
    /// An administrator-enabled raw JQL condition, still inside the allowlist: <c>project in (...) AND (raw)</c>.
    /// Before Jira sees it, the condition must be one balanced expression (parentheses balanced outside string
    /// literals, never closing more than it opened, literals terminated) without its own ORDER BY, so it cannot
    /// close the parenthesis we put around it and escape the allowlist.
    /// </summary>
    public static string WithRawCondition(string condition, IReadOnlyList<string> allowedProjects, IssueOrder order, bool ascending)
    {
        ArgumentNullException.ThrowIfNull(condition);
        string raw = condition.ReplaceLineEndings(" ").Replace('\t', ' ').Trim();
        if (raw.Length == 0 || raw.Any(char.IsControl))
        {
            throw new ToolInputException("`jql` must be a JQL condition without control characters.");
        }

        int depth = 0;
        char? quote = null;
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (quote is { } q)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == q)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    if (--depth < 0)
                    {
                        throw new ToolInputException("`jql` closes a parenthesis it did not open.");
                    }

                    break;
                case 'o' or 'O' when IsOrderBy(raw, i):
                    throw new ToolInputException("`jql` must not contain ORDER BY; use `order_by` and `ascending` instead.");
            }
        }

        if (quote is not null || depth != 0)
        {
            throw new ToolInputException("`jql` has an unterminated string or unbalanced parentheses.");
        }

        return "project in " + List(allowedProjects, "Jira:Projects") + " AND (" + raw + ") ORDER BY " + OrderField(order) + (ascending ? " ASC" : " DESC");
    }

    /// <summary>
    /// A JQL string literal: double-quoted with backslash and double quote escaped. Control characters (newlines
    /// included) are refused rather than escaped: no legitimate name, status or label holds one.
    /// </summary>
    public static string Quote(string value, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value.Length > MaxValueChars)
        {
            throw new ToolInputException($"`{parameterName}` values must be 1 to {MaxValueChars} characters long.");
        }

        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            if (char.IsControl(c))
            {
                throw new ToolInputException($"`{parameterName}` must not contain line breaks or control characters.");
            }

            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append('"').ToString();
    }

    private static bool IsOrderBy(string text, int at)
    {
        bool wordStart = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
        if (!wordStart || !text.AsSpan(at).StartsWith("order", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        int i = at + 5;
        int spaces = i;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i > spaces && text.AsSpan(i).StartsWith("by", StringComparison.OrdinalIgnoreCase)
            && (i + 2 == text.Length || !char.IsLetterOrDigit(text[i + 2]));
    }

    private static string List(IEnumerable<string> values, string parameterName) =>
        "(" + string.Join(", ", values.Select(v => Quote(v, parameterName))) + ")";

    private static void AddIn(List<string> conditions, string field, IReadOnlyList<string> values, string parameterName)
    {
        if (values.Count > 0)
        {
            conditions.Add(field + " in " + List(values, parameterName));
        }
    }

    private static void AddDate(List<string> conditions, string fieldAndOperator, DateOnly? date)
    {
        if (date is { } d)
        {
            conditions.Add(fieldAndOperator + "\"" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "\"");
        }
    }

    private static string TextPhrase(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            sb.Append(char.IsControl(c) || LuceneSpecials.Contains(c, StringComparison.Ordinal) ? ' ' : c);
        }

        return string.Join(' ', sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string CategoryName(StatusCategory category) => category switch
    {
        StatusCategory.ToDo => "To Do",
        StatusCategory.InProgress => "In Progress",
        _ => "Done",
    };

    private static string OrderField(IssueOrder order) => order switch
    {
        IssueOrder.Created => "created",
        IssueOrder.Priority => "priority",
        IssueOrder.Key => "key",
        IssueOrder.Status => "status",
        IssueOrder.DueDate => "duedate",
        _ => "updated",
    };

    private static string Shown(string value) => value.Length > 20 ? value[..20] + "…" : value;
}
