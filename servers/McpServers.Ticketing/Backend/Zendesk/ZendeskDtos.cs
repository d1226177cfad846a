using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpServers.Ticketing.Backend.Zendesk;

// Zendesk Support API shapes, only the fields this server reads ("Tickets", "Ticket Comments", "Users", "Search",
// developer.zendesk.com/api-reference). Display-only text is read with Lenient<T>: a value of another type drops that
// one field instead of failing the whole answer.

internal sealed record ZendeskTicket(
    long? Id,
    [property: JsonConverter(typeof(Lenient<string>))] string? Subject,
    [property: JsonConverter(typeof(Lenient<string>))] string? Description,
    [property: JsonConverter(typeof(Lenient<string>))] string? Status,
    [property: JsonConverter(typeof(Lenient<string>))] string? Priority,
    [property: JsonConverter(typeof(Lenient<string>))] string? Type,
    long? RequesterId,
    long? AssigneeId,
    long? GroupId,
    [property: JsonConverter(typeof(Lenient<IReadOnlyList<string>>))] IReadOnlyList<string>? Tags,
    [property: JsonConverter(typeof(Lenient<string>))] string? CreatedAt,
    [property: JsonConverter(typeof(Lenient<string>))] string? UpdatedAt,
    [property: JsonConverter(typeof(Lenient<string>))] string? ResultType);

/// <summary>Show Ticket, Create Ticket and Update Ticket answer <c>{"ticket": {…}}</c>.</summary>
internal sealed record ZendeskTicketEnvelope(ZendeskTicket? Ticket);

/// <summary>List Search Results: offset paging (<c>next_page</c> is a URL or null), <c>count</c> is the real total.</summary>
internal sealed record ZendeskSearchResponse(IReadOnlyList<ZendeskTicket>? Results, string? NextPage, long? Count);

/// <summary>Export Search Results: cursor paging with <c>meta.has_more</c> and <c>meta.after_cursor</c>.</summary>
internal sealed record ZendeskExportResponse(IReadOnlyList<ZendeskTicket>? Results, ZendeskExportMeta? Meta);

internal sealed record ZendeskExportMeta(bool? HasMore, string? AfterCursor);

internal sealed record ZendeskComment(
    long? Id,
    long? AuthorId,
    [property: JsonConverter(typeof(Lenient<string>))] string? Body,
    [property: JsonConverter(typeof(Lenient<string>))] string? PlainBody,
    bool? Public,
    [property: JsonConverter(typeof(Lenient<string>))] string? CreatedAt);

internal sealed record ZendeskCommentPage(IReadOnlyList<ZendeskComment>? Comments, long? Count);

internal sealed record ZendeskUser(long? Id, [property: JsonConverter(typeof(Lenient<string>))] string? Name);

internal sealed record ZendeskUsers(IReadOnlyList<ZendeskUser>? Users);

internal sealed record ZendeskUserEnvelope(ZendeskUser? User);

/// <summary>
/// Zendesk's error body: <c>{"error":"RecordNotFound","description":"Not found"}</c>, or for a 422
/// <c>{"error":"RecordInvalid","description":"Record validation errors","details":{"priority":[{"description":"…"}]}}</c>.
/// Some endpoints send <c>error</c> as an object (<c>{"title","message"}</c>): then it is left out.
/// </summary>
internal sealed record ZendeskErrorBody(
    [property: JsonConverter(typeof(Lenient<string>))] string? Error,
    [property: JsonConverter(typeof(Lenient<string>))] string? Description,
    [property: JsonConverter(typeof(Lenient<IReadOnlyDictionary<string, IReadOnlyList<ZendeskErrorDetail>>>))]
    IReadOnlyDictionary<string, IReadOnlyList<ZendeskErrorDetail>>? Details);

internal sealed record ZendeskErrorDetail([property: JsonConverter(typeof(Lenient<string>))] string? Description);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ZendeskTicketEnvelope))]
[JsonSerializable(typeof(ZendeskSearchResponse))]
[JsonSerializable(typeof(ZendeskExportResponse))]
[JsonSerializable(typeof(ZendeskCommentPage))]
[JsonSerializable(typeof(ZendeskUsers))]
[JsonSerializable(typeof(ZendeskUserEnvelope))]
[JsonSerializable(typeof(ZendeskErrorBody))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
internal sealed partial class ZendeskJsonContext : JsonSerializerContext;
