namespace McpServers.Ticketing.Backend.Zendesk;

/// <summary>
/// The only code that talks to Zendesk. It returns facts (records below, all text cleaned and capped), never sentences
/// for the model: those are the tools' to write.
/// </summary>
public interface IZendeskGateway
{
    /// <summary>
    /// One page of a search: the Search API (offset paging, at most 1,000 results), or with <paramref name="export"/> the
    /// Export Search Results endpoint (cursor paging, no limit, no order). <paramref name="cursor"/> is the previous
    /// page's <see cref="TicketPage.NextCursor"/>.
    /// </summary>
    Task<TicketPage> SearchAsync(TicketFilter filter, bool export, int? maxResults, string? cursor, CancellationToken cancellationToken);

    /// <summary>The ticket with its newest <paramref name="comments"/> comments (at most <c>Zendesk:MaxComments</c>), names resolved.</summary>
    Task<TicketDetail> GetTicketAsync(int id, int comments, CancellationToken cancellationToken);

    /// <summary>What a confirmation shows about a ticket before it is changed; not found is an error.</summary>
    Task<TicketHeader> GetTicketHeaderAsync(int id, CancellationToken cancellationToken);

    Task<TicketWritten> CreateTicketAsync(NewTicket ticket, CancellationToken cancellationToken);

    /// <summary>A public reply (Zendesk e-mails it to the requester) or an internal note.</summary>
    Task<TicketWritten> AddCommentAsync(int id, string body, bool isPublic, CancellationToken cancellationToken);

    Task<TicketWritten> UpdateTicketAsync(int id, TicketChanges changes, CancellationToken cancellationToken);

    /// <summary>The account the server acts as (<c>/api/v2/users/me.json</c>).</summary>
    Task<string> AccountAsync(CancellationToken cancellationToken);
}

// What the gateway returns. Where a record is also a tool's structured content it is written snake_case.

public sealed record TicketSummary(int Id, string Subject, string? Status, string? Priority, string? Type, string? Assignee,
    string? Updated, string Url);

/// <summary>
/// One page of a search. <see cref="NextCursor"/> is set when there is more to fetch; <see cref="ResultLimitReached"/>
/// when the Search API's 1,000-result limit stops the paging although Zendesk counts more (<see cref="Total"/>).
/// </summary>
public sealed record TicketPage(string Query, IReadOnlyList<TicketSummary> Tickets, long? Total, string? NextCursor, int PageSize,
    bool ResultLimitReached);

public sealed record TicketComment(string? Author, string? Created, bool Public, string Body);

public sealed record TicketDetail(int Id, string Url, string Subject, string? Status, string? Priority, string? Type,
    string? Requester, string? Assignee, long? GroupId, string? Created, string? Updated, IReadOnlyList<string> Tags,
    string Description, IReadOnlyList<TicketComment> Comments, long CommentsTotal);

public sealed record TicketHeader(int Id, string Subject, string? Status, string? Priority, string? Assignee, IReadOnlyList<string> Tags);

public sealed record TicketWritten(int Id, string Url);

/// <summary>A new ticket; its requester is the configured agent. <see cref="Assignee"/>: <c>me</c> or a user id.</summary>
public sealed record NewTicket(string Subject, string Description, string? Priority, string? Type, IReadOnlyList<string> Tags, string? Assignee);

/// <summary>Changes from the fixed set of fields; null leaves a field alone. <see cref="Assignee"/>: <c>me</c>, <c>none</c> or a user id.</summary>
public sealed record TicketChanges(string? Status, string? Priority, string? Assignee, IReadOnlyList<string>? Tags)
{
    public bool IsEmpty => Status is null && Priority is null && Assignee is null && Tags is null;
}
