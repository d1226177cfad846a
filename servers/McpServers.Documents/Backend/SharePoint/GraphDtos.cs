using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpServers.Documents.Backend.SharePoint;

// Microsoft Graph v1.0 shapes, only the fields this source reads (learn.microsoft.com/graph/api/resources/driveitem,
// drive, site, driveitemversion, searchrequest / searchresponse, and "Microsoft Graph error responses").

internal sealed record GraphError(GraphErrorDetail? Error);

internal sealed record GraphErrorDetail(string? Code, string? Message);

internal sealed record GraphSite(string Id, string? Name, string? DisplayName, string? WebUrl);

internal sealed record GraphDrive(string Id, string? Name, string? DriveType, string? WebUrl);

internal sealed record GraphParentReference(string? DriveId, string? Id, string? SiteId, string? Path);

internal sealed record GraphFolder(int? ChildCount);

internal sealed record GraphFile(string? MimeType);

internal sealed record GraphDriveItem(string Id, string? Name, long? Size, string? WebUrl, DateTimeOffset? LastModifiedDateTime,
    GraphParentReference? ParentReference, GraphFolder? Folder, GraphFile? File);

internal sealed record GraphIdentity(string? DisplayName);

internal sealed record GraphIdentitySet(GraphIdentity? User, GraphIdentity? Application);

internal sealed record GraphVersion(string Id, DateTimeOffset? LastModifiedDateTime, GraphIdentitySet? LastModifiedBy, long? Size);

/// <summary>A collection page: <c>value</c> plus <c>@odata.nextLink</c> when there is more.</summary>
internal sealed record GraphPage<T>(IReadOnlyList<T>? Value, [property: JsonPropertyName("@odata.nextLink")] string? NextLink);

internal sealed record SearchQueryBody(IReadOnlyList<SearchRequestBody> Requests);

internal sealed record SearchRequestBody(IReadOnlyList<string> EntityTypes, SearchQueryString Query, int From, int Size);

internal sealed record SearchQueryString(string QueryString);

internal sealed record SearchResponse(IReadOnlyList<SearchHitsContainers>? Value);

internal sealed record SearchHitsContainers(IReadOnlyList<SearchHitsContainer>? HitsContainers);

internal sealed record SearchHitsContainer(IReadOnlyList<SearchHit>? Hits, long? Total, bool? MoreResultsAvailable);

internal sealed record SearchHit(string? HitId, string? Summary, GraphDriveItem? Resource);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GraphError))]
[JsonSerializable(typeof(GraphSite))]
[JsonSerializable(typeof(GraphDrive))]
[JsonSerializable(typeof(GraphDriveItem))]
[JsonSerializable(typeof(GraphPage<GraphDrive>))]
[JsonSerializable(typeof(GraphPage<GraphDriveItem>))]
[JsonSerializable(typeof(GraphPage<GraphVersion>))]
[JsonSerializable(typeof(GraphVersion))]
[JsonSerializable(typeof(SearchQueryBody))]
[JsonSerializable(typeof(SearchResponse))]
internal sealed partial class GraphJsonContext : JsonSerializerContext;
