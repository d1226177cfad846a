using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Jira;

public sealed class SearchIssuesTool(IJiraGateway gateway, ServerJson json)
{
    private const string DatePattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = IssueInput.MaxLengthJustification)]
    [McpServerTool(Name = "jira_search_issues", Title = "Search issues", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Finds Jira issues in the allowed projects from structured filters (all must hold); the server builds the JQL. Returns key, summary, status, type, priority, assignee and updated time per issue, newest updated first by default. Results are paged; when cut, next_cursor fetches the next page.")]
    public async Task<CallToolResult> SearchIssues(
        [Description("Only these project keys (must be allowed ones; see jira_list_projects). Default: all allowed projects."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? projects = null,
        [Description("Status names, e.g. [\"In Progress\", \"Blocked\"]."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? statuses = null,
        [Description("Status category: to_do, in_progress or done (works across workflows)."), AllowedValues("to_do", "in_progress", "done")] string? status_category = null,
        [Description("\"me\", \"unassigned\", or an account id (Cloud) / user name (Data Center)."), StringLength(128, MinimumLength = 1)] string? assignee = null,
        [Description("\"me\", or an account id (Cloud) / user name (Data Center)."), StringLength(128, MinimumLength = 1)] string? reporter = null,
        [Description("Issue type names, e.g. [\"Bug\"]."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? types = null,
        [Description("Priority names, e.g. [\"High\", \"Highest\"]."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? priorities = null,
        [Description("Labels (any of them)."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? labels = null,
        [Description("Words to find in summary, description and comments."), StringLength(200, MinimumLength = 1)] string? text = null,
        [Description("Created on or after this date (YYYY-MM-DD)."), RegularExpression(DatePattern)] string? created_from = null,
        [Description("Created before this date (YYYY-MM-DD)."), RegularExpression(DatePattern)] string? created_before = null,
        [Description("Updated on or after this date (YYYY-MM-DD)."), RegularExpression(DatePattern)] string? updated_from = null,
        [Description("Updated before this date (YYYY-MM-DD)."), RegularExpression(DatePattern)] string? updated_before = null,
        [Description("Sort field (default updated)."), AllowedValues("updated", "created", "priority", "key", "status", "duedate")] string? order_by = null,
        [Description("Sort ascending instead of descending.")] bool? ascending = null,
        [Description("Issues per page (default 25; the server caps it)."), Range(1, 1000)] int? max_results = null,
        [Description("next_cursor from a previous call with the same filters, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var filter = new IssueFilter
        {
            Projects = projects ?? [],
            Statuses = statuses ?? [],
            StatusCategory = status_category switch
            {
                "to_do" => StatusCategory.ToDo,
                "in_progress" => StatusCategory.InProgress,
                "done" => StatusCategory.Done,
                _ => null,
            },
            Assignee = assignee,
            Reporter = reporter,
            Types = types ?? [],
            Priorities = priorities ?? [],
            Labels = labels ?? [],
            Text = text,
            CreatedFrom = Date(created_from, nameof(created_from)),
            CreatedBefore = Date(created_before, nameof(created_before)),
            UpdatedFrom = Date(updated_from, nameof(updated_from)),
            UpdatedBefore = Date(updated_before, nameof(updated_before)),
            OrderBy = IssueInput.Order(order_by),
            Ascending = ascending ?? false,
        };
        return Result(await gateway.SearchAsync(filter, max_results, cursor, cancellationToken), json);
    }

    /// <summary>A page of issues as the model and programs see it (also jira_search_jql's result).</summary>
    internal static CallToolResult Result(SearchPage page, ServerJson json)
    {
        int count = page.Issues.Count;
        string? notice = page.NextCursor is null ? null
            : Truncation.Cut(count, page.Total, page.NextCursor, $"page size {page.PageSize}").Notice();
        var text = new StringBuilder();
        foreach (IssueSummary i in page.Issues)
        {
            text.Append(i.Key).Append(" [").Append(i.Status).Append("] ").Append(i.Summary)
                .Append(" (").Append(i.Type).Append(", ").Append(i.Priority ?? "no priority").Append(", ")
                .Append(i.Assignee ?? "unassigned").Append(", updated ").Append(i.Updated).Append(")\n");
        }

        text.Append(count == 0 ? "No issues match." : string.Create(CultureInfo.InvariantCulture, $"({count} issue{(count == 1 ? "" : "s")})"));
        if (notice is not null)
        {
            text.Append(' ').Append(notice).Append("\nnext_cursor: ").Append(page.NextCursor);
        }

        return ToolResult.Create(new Output(page.Jql, page.Issues, count, notice is not null, page.Total, page.NextCursor, notice), text.ToString(), json);
    }

    internal static DateOnly? Date(string? text, string parameterName) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date) ? date
        : throw new ToolInputException($"`{parameterName}` must be a real calendar date like 2026-07-01.");

    /// <summary>
    /// A search's structured content. <see cref="Truncated"/> is set, with <see cref="NextCursor"/> and a
    /// <see cref="Notice"/> saying how to go on, when Jira has more than this page.
    /// </summary>
    public sealed record Output(string Jql, IReadOnlyList<IssueSummary> Issues, int Count, bool Truncated, long? Total,
        string? NextCursor, string? Notice);
}
