using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using McpServers.Ticketing.Backend.Zendesk;
using McpServers.Ticketing.Tools.Jira;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Zendesk;

public sealed class SearchTicketsTool(IZendeskGateway gateway, ServerJson json)
{
    private const string DatePattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = IssueInput.MaxLengthJustification)]
    [McpServerTool(Name = "zendesk_search_tickets", Title = "Search tickets", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Finds Zendesk tickets from structured filters (all must hold; within a list, any value); the server builds the search query. Returns id, subject, status, priority, type, assignee and updated time per ticket, newest updated first by default. Results are paged; when cut, next_cursor fetches the next page. Zendesk's search stops at 1,000 results: then repeat with all_results=true.")]
    public async Task<CallToolResult> SearchTickets(
        [Description("Any of these statuses: new, open, pending, hold, solved, closed."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? statuses = null,
        [Description("Any of these priorities: low, normal, high, urgent."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? priorities = null,
        [Description("\"me\", \"none\" (unassigned), or a user id, e-mail or name."), StringLength(254, MinimumLength = 1)] string? assignee = null,
        [Description("\"me\", or the requester's user id, e-mail or name."), StringLength(254, MinimumLength = 1)] string? requester = null,
        [Description("\"none\", or a group id or name."), StringLength(254, MinimumLength = 1)] string? group = null,
        [Description("Tags, e.g. [\"vip\"]."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? tags = null,
        [Description("Words that must all appear in the ticket (subject, description, comments)."), StringLength(200, MinimumLength = 1)] string? text = null,
        [Description("Created on or after this date (YYYY-MM-DD)."), RegularExpression(DatePattern)] string? created_from = null,
        [Description("Created before this date (YYYY-MM-DD)."), RegularExpression(DatePattern)] string? created_before = null,
        [Description("Updated on or after this date (YYYY-MM-DD)."), RegularExpression(DatePattern)] string? updated_from = null,
        [Description("Updated before this date (YYYY-MM-DD)."), RegularExpression(DatePattern)] string? updated_before = null,
        [Description("Sort field (default updated); ignored with all_results."), AllowedValues("updated", "created", "priority", "status", "type")] string? order_by = null,
        [Description("Sort ascending instead of descending.")] bool? ascending = null,
        [Description("Page past the Search API's 1,000-result limit with Zendesk's export endpoint (results unordered).")] bool? all_results = null,
        [Description("Tickets per page (default 25; the server caps it)."), Range(1, 100)] int? max_results = null,
        [Description("next_cursor from a previous call with the same filters, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var filter = new TicketFilter
        {
            Statuses = statuses ?? [],
            Priorities = priorities ?? [],
            Assignee = assignee,
            Requester = requester,
            Group = group,
            Tags = tags ?? [],
            Text = text,
            CreatedFrom = SearchIssuesTool.Date(created_from, nameof(created_from)),
            CreatedBefore = SearchIssuesTool.Date(created_before, nameof(created_before)),
            UpdatedFrom = SearchIssuesTool.Date(updated_from, nameof(updated_from)),
            UpdatedBefore = SearchIssuesTool.Date(updated_before, nameof(updated_before)),
            OrderBy = order_by switch
            {
                "created" => TicketOrder.CreatedAt,
                "priority" => TicketOrder.Priority,
                "status" => TicketOrder.Status,
                "type" => TicketOrder.TicketType,
                _ => TicketOrder.UpdatedAt,
            },
            Ascending = ascending ?? false,
        };
        TicketPage page = await gateway.SearchAsync(filter, all_results ?? false, max_results, cursor, cancellationToken);
        int count = page.Tickets.Count;
        string? notice = page.ResultLimitReached
            ? string.Create(CultureInfo.InvariantCulture,
                $"Zendesk's Search API stops at 1,000 results and this search matches {page.Total?.ToString(CultureInfo.InvariantCulture) ?? "more"}: repeat it with all_results=true (export, unordered) to page through every ticket, or narrow the filters.")
            : page.NextCursor is null ? null
            : Truncation.Cut(count, page.Total, page.NextCursor, $"page size {page.PageSize}").Notice();
        var result = new StringBuilder();
        foreach (TicketSummary t in page.Tickets)
        {
            result.Append('#').Append(t.Id).Append(" [").Append(t.Status).Append("] ").Append(t.Subject)
                .Append(" (").Append(t.Priority ?? "no priority").Append(", ").Append(t.Type ?? "no type").Append(", ")
                .Append(t.Assignee ?? "unassigned").Append(", updated ").Append(t.Updated).Append(")\n");
        }

        result.Append(count == 0 ? "No tickets match." : string.Create(CultureInfo.InvariantCulture, $"({count} ticket{(count == 1 ? "" : "s")})"));
        if (notice is not null)
        {
            result.Append(' ').Append(notice);
        }

        if (page.NextCursor is not null)
        {
            result.Append("\nnext_cursor: ").Append(page.NextCursor);
        }

        return ToolResult.Create(new Output(page.Query, page.Tickets, count, notice is not null, page.Total, page.NextCursor,
            page.ResultLimitReached, notice), result.ToString(), json);
    }

    /// <summary>
    /// A search's structured content. <see cref="Truncated"/> is set, with a <see cref="Notice"/> saying how to go on,
    /// when there is more than this page: <see cref="NextCursor"/> fetches it, or, when <see cref="ResultLimitReached"/>,
    /// the search must be repeated with all_results.
    /// </summary>
    public sealed record Output(string Query, IReadOnlyList<TicketSummary> Tickets, int Count, bool Truncated, long? Total,
        string? NextCursor, bool ResultLimitReached, string? Notice);
}
