namespace McpServers.Ticketing.Backend.Zendesk;

/// <summary>The fields Zendesk's Search API can order tickets by (its <c>sort_by</c> values; nothing else is sent).</summary>
public enum TicketOrder
{
    UpdatedAt,
    CreatedAt,
    Priority,
    Status,
    TicketType,
}

/// <summary>A structured ticket search; <see cref="ZendeskQuery"/> turns it into a Search API query. All conditions must hold.</summary>
public sealed record TicketFilter
{
    /// <summary>Any of these statuses (new, open, pending, hold, solved, closed).</summary>
    public IReadOnlyList<string> Statuses { get; init; } = [];

    /// <summary>Any of these priorities (low, normal, high, urgent).</summary>
    public IReadOnlyList<string> Priorities { get; init; } = [];

    /// <summary><c>me</c>, <c>none</c>, or a user id, e-mail or name.</summary>
    public string? Assignee { get; init; }

    /// <summary><c>me</c>, or a user id, e-mail or name.</summary>
    public string? Requester { get; init; }

    /// <summary><c>none</c>, or a group id or name.</summary>
    public string? Group { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Words (separated by spaces) that must all appear in the ticket (subject, description, comments).</summary>
    public string? Text { get; init; }

    public DateOnly? CreatedFrom { get; init; }

    public DateOnly? CreatedBefore { get; init; }

    public DateOnly? UpdatedFrom { get; init; }

    public DateOnly? UpdatedBefore { get; init; }

    public TicketOrder OrderBy { get; init; } = TicketOrder.UpdatedAt;

    public bool Ascending { get; init; }
}
