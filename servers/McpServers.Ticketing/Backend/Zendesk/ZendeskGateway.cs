using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Shared.Text;
using McpServers.Ticketing.Options;
using Microsoft.Extensions.Logging;

namespace McpServers.Ticketing.Backend.Zendesk;

/// <summary>
/// Zendesk Support over its documented REST API (<c>/api/v2/…</c>), as the configured agent, so Zendesk's own audit
/// names that person. <paramref name="accountKnown"/> hears, once, who Zendesk says that is (for the audit context).
/// </summary>
internal sealed class ZendeskGateway(HttpClient http, ZendeskOptions options, Action<string> accountKnown, ILogger<ZendeskGateway> logger)
    : IZendeskGateway
{
    public const string HttpClientName = "Zendesk";

    private const string System = "Zendesk";

    /// <summary>"The Search API returns up to 1,000 results per query"; a page past it answers 422.</summary>
    private const int SearchApiLimit = 1000;

    /// <summary>Users show_many takes at most 100 ids.</summary>
    private const int UsersPerRequest = 100;

    private const int MaxSubjectChars = 1000;
    private const int MaxNameChars = 200;
    private const int MaxTags = 100;
    private const int MaxErrorMessages = 5;

    private readonly Lock _gate = new();
    private Task<ZendeskUser>? _me;

    public async Task<TicketPage> SearchAsync(TicketFilter filter, bool export, int? maxResults, string? cursor, CancellationToken cancellationToken)
    {
        string query = ZendeskQuery.Build(filter);
        int limit = Math.Min(maxResults ?? options.DefaultMaxResults, options.MaxResults);
        await MeAsync(cancellationToken);
        return export
            ? await ExportAsync(query, limit, cursor, cancellationToken)
            : await SearchPageAsync(query, filter, limit, cursor, cancellationToken);
    }

    /// <summary>List Search Results: <c>page</c>/<c>per_page</c>, never a page past the 1,000-result limit.</summary>
    private async Task<TicketPage> SearchPageAsync(string query, TicketFilter filter, int limit, string? cursor, CancellationToken cancellationToken)
    {
        string sortBy = ZendeskQuery.SortBy(filter.OrderBy);
        string sortOrder = filter.Ascending ? "asc" : "desc";
        string scope = string.Create(CultureInfo.InvariantCulture, $"zendesk_search_tickets:{limit}:{sortBy}:{sortOrder}:{query}");
        // The cursor is signed by this process, so its page number is one this server wrote.
        int page = cursor is null ? 1 : int.Parse(OpaqueCursor.Decode(scope, cursor), CultureInfo.InvariantCulture);
        ZendeskSearchResponse response = await GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
            $"api/v2/search.json?query={Uri.EscapeDataString(query)}&sort_by={sortBy}&sort_order={sortOrder}&page={page}&per_page={limit}"),
            ZendeskJsonContext.Default.ZendeskSearchResponse, "The search", cancellationToken);
        TicketSummary[] tickets = await SummariesAsync(response.Results, limit, cancellationToken);
        bool more = response.NextPage is not null && tickets.Length > 0;
        bool nextFits = (long)(page + 1) * limit <= SearchApiLimit;
        string? next = more && nextFits ? OpaqueCursor.Encode(scope, (page + 1).ToString(CultureInfo.InvariantCulture)) : null;
        return new TicketPage(query, tickets, response.Count, next, limit, ResultLimitReached: more && !nextFits);
    }

    /// <summary>Export Search Results: <c>filter[type]=ticket</c>, <c>page[size]</c>, <c>page[after]</c> from <c>meta.after_cursor</c>.</summary>
    private async Task<TicketPage> ExportAsync(string query, int limit, string? cursor, CancellationToken cancellationToken)
    {
        string scope = string.Create(CultureInfo.InvariantCulture, $"zendesk_search_tickets:export:{limit}:{query}");
        string? after = cursor is null ? null : OpaqueCursor.Decode(scope, cursor);
        ZendeskExportResponse response = await GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
            $"api/v2/search/export.json?query={Uri.EscapeDataString(query)}&filter%5Btype%5D=ticket&page%5Bsize%5D={limit}")
            + (after is null ? "" : "&page%5Bafter%5D=" + Uri.EscapeDataString(after)),
            ZendeskJsonContext.Default.ZendeskExportResponse, "The search", cancellationToken);
        TicketSummary[] tickets = await SummariesAsync(response.Results, limit, cancellationToken);
        // Zendesk's own cursor is only ever sent back to Zendesk, inside ours; links.next (a URL) is never followed.
        string? next = response.Meta is { HasMore: true, AfterCursor: { Length: > 0 and <= 2048 } a } && tickets.Length > 0
            ? OpaqueCursor.Encode(scope, a)
            : null;
        return new TicketPage(query, tickets, next is null && after is null ? tickets.Length : null, next, limit, ResultLimitReached: false);
    }

    public async Task<TicketDetail> GetTicketAsync(int id, int comments, CancellationToken cancellationToken)
    {
        ZendeskTicket ticket = await TicketAsync(id, cancellationToken);
        int limit = Math.Min(comments, options.MaxComments);
        ZendeskCommentPage page = limit == 0
            ? new ZendeskCommentPage([], null)
            : await GetJsonAsync(string.Create(CultureInfo.InvariantCulture, $"api/v2/tickets/{id}/comments.json?sort_order=desc&per_page={limit}"),
                ZendeskJsonContext.Default.ZendeskCommentPage, NotFound(id), cancellationToken);
        ZendeskComment[] shown = [.. (page.Comments ?? []).Take(limit)];
        IReadOnlyDictionary<long, string> names = await NamesAsync(
            [ticket.RequesterId, ticket.AssigneeId, .. shown.Select(c => c.AuthorId)], cancellationToken);
        return new TicketDetail(id, Url(id), Line(ticket.Subject, MaxSubjectChars), Optional(ticket.Status), Optional(ticket.Priority),
            Optional(ticket.Type), UserName(names, ticket.RequesterId), UserName(names, ticket.AssigneeId), ticket.GroupId,
            Optional(ticket.CreatedAt), Optional(ticket.UpdatedAt), Tags(ticket.Tags),
            TextHygiene.CleanAndTruncate(ticket.Description, options.MaxTextChars),
            [.. shown.Select(c => new TicketComment(UserName(names, c.AuthorId), Optional(c.CreatedAt), c.Public != false,
                TextHygiene.CleanAndTruncate(c.Body ?? c.PlainBody, options.MaxTextChars)))],
            page.Count ?? shown.Length);
    }

    public async Task<TicketHeader> GetTicketHeaderAsync(int id, CancellationToken cancellationToken)
    {
        ZendeskTicket ticket = await TicketAsync(id, cancellationToken);
        IReadOnlyDictionary<long, string> names = await NamesAsync([ticket.AssigneeId], cancellationToken);
        return new TicketHeader(id, Line(ticket.Subject, MaxSubjectChars), Optional(ticket.Status), Optional(ticket.Priority),
            UserName(names, ticket.AssigneeId), Tags(ticket.Tags));
    }

    public async Task<TicketWritten> CreateTicketAsync(NewTicket ticket, CancellationToken cancellationToken)
    {
        var fields = new JsonObject
        {
            ["subject"] = ticket.Subject,
            ["comment"] = new JsonObject { ["body"] = ticket.Description },
        };
        if (ticket.Priority is { } priority)
        {
            fields["priority"] = priority;
        }

        if (ticket.Type is { } type)
        {
            fields["type"] = type;
        }

        if (ticket.Tags.Count > 0)
        {
            fields["tags"] = new JsonArray([.. ticket.Tags.Select(t => (JsonNode)JsonValue.Create(t))]);
        }

        if (ticket.Assignee is { } assignee)
        {
            fields["assignee_id"] = await UserIdAsync(assignee, cancellationToken);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/tickets.json") { Content = Json(new JsonObject { ["ticket"] = fields }) };
        ZendeskTicketEnvelope created = await SendAsync(request, ZendeskJsonContext.Default.ZendeskTicketEnvelope, "The new ticket", cancellationToken);
        if (created.Ticket?.Id is not { } id || id is < 1 or > int.MaxValue)
        {
            throw new BackendException(BackendErrorKind.Unavailable,
                "Zendesk reported the ticket as created but returned no ticket id; look for it in Zendesk before trying again.");
        }

        return Written((int)id);
    }

    public async Task<TicketWritten> AddCommentAsync(int id, string body, bool isPublic, CancellationToken cancellationToken)
    {
        var ticket = new JsonObject { ["comment"] = new JsonObject { ["body"] = body, ["public"] = isPublic } };
        using var request = new HttpRequestMessage(HttpMethod.Put, TicketPath(id)) { Content = Json(new JsonObject { ["ticket"] = ticket }) };
        // A PUT by method, but each one adds a comment (and a public one e-mails the customer): never sent twice.
        request.MarkNotIdempotent();
        await SendAsync(request, ZendeskJsonContext.Default.ZendeskTicketEnvelope, NotFound(id), cancellationToken);
        return Written(id);
    }

    public async Task<TicketWritten> UpdateTicketAsync(int id, TicketChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var ticket = new JsonObject();
        if (changes.Status is { } status)
        {
            ticket["status"] = status;
        }

        if (changes.Priority is { } priority)
        {
            ticket["priority"] = priority;
        }

        if (changes.Assignee is { } assignee)
        {
            ticket["assignee_id"] = assignee == "none" ? null : await UserIdAsync(assignee, cancellationToken);
        }

        if (changes.Tags is { } tags)
        {
            ticket["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)JsonValue.Create(t))]);
        }

        using var request = new HttpRequestMessage(HttpMethod.Put, TicketPath(id)) { Content = Json(new JsonObject { ["ticket"] = ticket }) };
        await SendAsync(request, ZendeskJsonContext.Default.ZendeskTicketEnvelope, NotFound(id), cancellationToken);
        return Written(id);
    }

    public async Task<string> AccountAsync(CancellationToken cancellationToken) =>
        Name((await MeAsync(cancellationToken)).Name) is { Length: > 0 } name ? name : "(no name)";

    private async Task<ZendeskTicket> TicketAsync(int id, CancellationToken cancellationToken)
    {
        await MeAsync(cancellationToken);
        ZendeskTicketEnvelope envelope = await GetJsonAsync(TicketPath(id), ZendeskJsonContext.Default.ZendeskTicketEnvelope, NotFound(id), cancellationToken);
        // Another ticket than the one asked for (a proxy, a hostile server) is nothing to show.
        return envelope.Ticket is { } ticket && ticket.Id == id
            ? ticket
            : throw new BackendException(BackendErrorKind.NotFound, NotVisible(NotFound(id)));
    }

    private async Task<TicketSummary[]> SummariesAsync(IReadOnlyList<ZendeskTicket>? results, int limit, CancellationToken cancellationToken)
    {
        // Only tickets (the query says type:ticket; anything else in the answer is dropped) with an id that is one.
        ZendeskTicket[] tickets = [.. (results ?? [])
            .Where(t => t.ResultType is null or "ticket" && t.Id is >= 1 and <= int.MaxValue)
            .Take(limit)];
        IReadOnlyDictionary<long, string> names = await NamesAsync(tickets.Select(t => t.AssigneeId), cancellationToken);
        return [.. tickets.Select(t => new TicketSummary((int)t.Id!.Value, Line(t.Subject, MaxSubjectChars), Optional(t.Status),
            Optional(t.Priority), Optional(t.Type), UserName(names, t.AssigneeId), Optional(t.UpdatedAt), Url((int)t.Id.Value)))];
    }

    /// <summary>Users' names (only names: no e-mail or phone leaves this method) by id, 100 ids a request ("Show Many Users").</summary>
    private async Task<IReadOnlyDictionary<long, string>> NamesAsync(IEnumerable<long?> ids, CancellationToken cancellationToken)
    {
        var names = new Dictionary<long, string>();
        foreach (long[] chunk in ids.OfType<long>().Where(id => id > 0).Distinct().Chunk(UsersPerRequest))
        {
            ZendeskUsers users = await GetJsonAsync("api/v2/users/show_many.json?ids=" + string.Join(',', chunk.Select(i => i.ToString(CultureInfo.InvariantCulture))),
                ZendeskJsonContext.Default.ZendeskUsers, "Users", cancellationToken);
            foreach (ZendeskUser user in users.Users ?? [])
            {
                if (user.Id is { } id && chunk.Contains(id) && user.Name is { } name)
                {
                    names[id] = Name(name);
                }
            }
        }

        return names;
    }

    private async Task<long> UserIdAsync(string assignee, CancellationToken cancellationToken) =>
        assignee == "me"
            ? (await MeAsync(cancellationToken)).Id ?? throw new ToolInputException("The configured Zendesk account has no user id; name the assignee by id.")
            : long.Parse(assignee, CultureInfo.InvariantCulture);

    /// <summary>The account the server acts as, asked once per process, so every audit event names the Zendesk user.</summary>
    private Task<ZendeskUser> MeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_me is null || _me.IsFaulted || _me.IsCanceled)
            {
                _me = LoadMeAsync(cancellationToken);
            }

            return _me;
        }
    }

    private async Task<ZendeskUser> LoadMeAsync(CancellationToken cancellationToken)
    {
        ZendeskUser me = (await GetJsonAsync("api/v2/users/me.json", ZendeskJsonContext.Default.ZendeskUserEnvelope, "The configured account", cancellationToken)).User
            ?? throw new BackendException(BackendErrorKind.Unavailable, "Zendesk did not say who the configured account is.");
        // An anonymous visitor gets a user without id from users/me: the credentials were not used.
        if (me.Id is null)
        {
            throw new BackendException(BackendErrorKind.Unauthorized, CredentialsRefused);
        }

        accountKnown(string.Create(CultureInfo.InvariantCulture, $"{Name(me.Name)} ({me.Id})"));
        return me;
    }

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request, type, what, cancellationToken);
    }

    /// <summary>The shared send path (no redirects, no cookies, the body capped) with <see cref="ZendeskErrorAsync"/> as its error hook.</summary>
    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using HttpResponseMessage response = await http.SendToBackendAsync(request, System,
            (r, ct) => ZendeskErrorAsync(request, r, what, ct), cancellationToken);
        return await response.ReadJsonAsync(type, System, cancellationToken);
    }

    /// <summary>
    /// Zendesk's refusals in this server's words. A 422 (<c>RecordInvalid</c>) or 400 says what the model should change,
    /// so its description and field details become an input error, read as data: cleaned, capped, a few at most. 429
    /// and 5xx fall back to the shared mapping, which reads <c>Retry-After</c>.
    /// </summary>
    private async Task<Exception?> ZendeskErrorAsync(HttpRequestMessage request, HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        Log.ZendeskError(logger, (int)response.StatusCode, request.Method.Method, request.RequestUri?.AbsolutePath ?? "");
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new BackendException(BackendErrorKind.Unauthorized, CredentialsRefused),
            HttpStatusCode.Forbidden => new BackendException(BackendErrorKind.Forbidden,
                "The configured Zendesk account does not have permission for this action."),
            HttpStatusCode.NotFound => new BackendException(BackendErrorKind.NotFound, NotVisible(what)),
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableContent => new ToolInputException(
                Rejection(await response.TryReadErrorJsonAsync(ZendeskJsonContext.Default.ZendeskErrorBody, cancellationToken))),
            _ => null,
        };
    }

    private string CredentialsRefused => options.OAuth is not null
        ? "Zendesk did not accept the signed-in user's access; if this repeats, run `mcp-ticketing login` to sign in again."
        : $"Zendesk did not accept the configured credentials ({options.AuthDescription}); they may be wrong, expired or revoked. An administrator should check {options.CredentialSettings}.";

    private static string Rejection(ZendeskErrorBody? body)
    {
        string[] messages =
        [
            .. body?.Description is { } description ? [TextHygiene.CleanAndTruncate(description, 200)] : Array.Empty<string>(),
            .. (body?.Details ?? new Dictionary<string, IReadOnlyList<ZendeskErrorDetail>>()).SelectMany(field => (field.Value ?? [])
                .Select(d => TextHygiene.CleanAndTruncate(field.Key, 60) + ": " + TextHygiene.CleanAndTruncate(d.Description, 200))),
        ];
        return messages.Length == 0
            ? "Zendesk rejected the request as invalid; check the arguments."
            : "Zendesk rejected the request: " + string.Join("; ", messages.Take(MaxErrorMessages).Select(m => m.ReplaceLineEndings(" "))) + ".";
    }

    private static StringContent Json(JsonNode node) =>
        new(node.ToJsonString(ZendeskJsonContext.Default.Options), Encoding.UTF8, "application/json");

    private static IReadOnlyList<string> Tags(IReadOnlyList<string>? tags) => [.. (tags ?? []).Take(MaxTags).Select(Name)];

    private static string? UserName(IReadOnlyDictionary<long, string> names, long? id) =>
        id is not { } i ? null : names.TryGetValue(i, out string? name) ? name : string.Create(CultureInfo.InvariantCulture, $"user {i}");

    /// <summary>A short single-line value from Zendesk (a name, a status, a date): cleaned, one line, capped.</summary>
    private static string Name(string? text) => Line(text, MaxNameChars);

    private static string? Optional(string? text) => text is null ? null : Name(text);

    private static string Line(string? text, int maxChars) => TextHygiene.CleanAndTruncate(text, maxChars).ReplaceLineEndings(" ");

    private static string TicketPath(int id) => string.Create(CultureInfo.InvariantCulture, $"api/v2/tickets/{id}.json");

    private static string NotFound(int id) => string.Create(CultureInfo.InvariantCulture, $"Ticket #{id}");

    private static string NotVisible(string what) => $"{what} was not found or is not visible to you.";

    private TicketWritten Written(int id) => new(id, Url(id));

    /// <summary>The ticket in the agent workspace.</summary>
    private string Url(int id) => new Uri(options.Site, string.Create(CultureInfo.InvariantCulture, $"agent/tickets/{id}")).ToString();
}
