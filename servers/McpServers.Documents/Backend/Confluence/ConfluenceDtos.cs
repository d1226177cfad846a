using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace McpServers.Documents.Backend.Confluence;

// Confluence's documented response shapes, only the fields the source reads. Sources:
// Cloud REST v2 "Page" (GET /wiki/api/v2/pages/{id}, /pages/{id}/versions, /pages/{id}/children, /spaces,
// /spaces/{id}/pages; _links.next carries the cursor), Cloud REST v1 "Search content by CQL" (GET /wiki/rest/api/search:
// results[].content, excerpt, lastModified, _links.next with cursor), Data Center REST v1 "Content" (GET /rest/api/content,
// /content/search, /content/{id}/child/page, /space, expand=body.storage,version,space; start/limit/size).

internal sealed record V2Page(string? Id, string? Title, string? SpaceId, string? ParentId, V2Version? Version, V2Body? Body);

internal sealed record V2Version(int Number, string? Message, string? AuthorId, string? CreatedAt);

internal sealed record V2Body(Representation? Storage, [property: JsonPropertyName("atlas_doc_format")] Representation? AtlasDocFormat);

/// <summary>A body in one representation (v2 <c>{representation, value}</c>, v1 <c>{value, representation}</c>).</summary>
internal sealed record Representation(string? Value);

internal sealed record Links(string? Next, string? Base);

internal sealed record V2List<T>(IReadOnlyList<T>? Results, [property: JsonPropertyName("_links")] Links? Links);

internal sealed record V2Space(string? Id, string? Key, string? Name);

internal sealed record V1Content(string? Id, string? Type, string? Title, V1Space? Space, V1Version? Version, V1Body? Body);

internal sealed record V1Space(string? Key, string? Name);

internal sealed record V1Version(int Number, string? When, string? Message, V1User? By);

internal sealed record V1User(string? DisplayName, string? PublicName);

internal sealed record V1Body(Representation? Storage);

internal sealed record V1List<T>(IReadOnlyList<T>? Results, int? Start, int? Limit, int? Size, long? TotalSize,
    [property: JsonPropertyName("_links")] Links? Links);

internal sealed record V1SearchResult(V1Content? Content, string? Title, string? Excerpt, string? LastModified);

/// <summary>
/// Both documented error bodies: v1 <c>{statusCode, message, data:{…}}</c> and v2 <c>{errors:[{status, code, title, detail}]}</c>.
/// </summary>
internal sealed record ConfluenceErrorBody(int? StatusCode, string? Message, IReadOnlyList<V2Error>? Errors);

internal sealed record V2Error(int? Status, string? Code, string? Title, string? Detail);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(V2Page))]
[JsonSerializable(typeof(V2List<V2Page>))]
[JsonSerializable(typeof(V2List<V2Version>))]
[JsonSerializable(typeof(V2List<V2Space>))]
[JsonSerializable(typeof(V1Content))]
[JsonSerializable(typeof(V1List<V1Content>))]
[JsonSerializable(typeof(V1List<V1Version>))]
[JsonSerializable(typeof(V1List<V1Space>))]
[JsonSerializable(typeof(V1List<V1SearchResult>))]
[JsonSerializable(typeof(ConfluenceErrorBody))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ConfluenceJsonContext : JsonSerializerContext;
