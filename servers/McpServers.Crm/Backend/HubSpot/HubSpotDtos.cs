using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpServers.Crm.Backend.HubSpot;

// HubSpot CRM v3/v4 request and response bodies, as documented (docs/research/crm-vendor-shapes.md, Part B). Every
// property value is a string or null, whatever the property's type. Fields the server does not use are left out.

/// <summary>A record (<c>SimplePublicObject</c>, with associations when asked for).</summary>
internal sealed record HsObject(string? Id, Dictionary<string, string?>? Properties, string? CreatedAt, string? UpdatedAt,
    Dictionary<string, HsAssociationList>? Associations);

internal sealed record HsAssociationList(IReadOnlyList<HsAssociationRef>? Results);

internal sealed record HsAssociationRef(string? Id, string? Type);

internal sealed record HsPage(long? Total, IReadOnlyList<HsObject>? Results, HsPaging? Paging);

internal sealed record HsPaging(HsNext? Next);

internal sealed record HsNext(string? After);

/// <summary><c>POST {objects}/{type}/search</c>: filters inside a group are ANDed, groups are ORed.</summary>
internal sealed record HsSearchRequest(
    IReadOnlyList<HsFilterGroup> FilterGroups,
    IReadOnlyList<HsSort> Sorts,
    IReadOnlyList<string> Properties,
    int Limit,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? After = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Query = null);

internal sealed record HsFilterGroup(IReadOnlyList<HsFilter> Filters);

internal sealed record HsFilter(
    string PropertyName,
    string Operator,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Value = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? HighValue = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Values = null);

internal sealed record HsSort(string PropertyName, string Direction);

internal sealed record HsProperties(IReadOnlyList<HsProperty>? Results);

internal sealed record HsProperty(string? Name, string? Label, string? Type, string? FieldType, bool? Hidden, bool? Calculated,
    HsModification? ModificationMetadata, IReadOnlyList<HsOption>? Options);

internal sealed record HsModification(bool? ReadOnlyValue);

internal sealed record HsOption(string? Label, string? Value, bool? Hidden);

internal sealed record HsPipelines(IReadOnlyList<HsPipeline>? Results);

internal sealed record HsPipeline(string? Id, string? Label, IReadOnlyList<HsStage>? Stages);

/// <summary>A deal stage; its metadata values are strings: <c>{"isClosed":"true","probability":"1.0"}</c>.</summary>
internal sealed record HsStage(string? Id, string? Label, Dictionary<string, string?>? Metadata);

internal sealed record HsAccountInfo(long? PortalId, string? UiDomain, string? CompanyCurrency, string? TimeZone);

/// <summary><c>GET /oauth/v1/access-tokens/{token}</c>: who signed in.</summary>
internal sealed record HsTokenInfo([property: JsonPropertyName("user")] string? User, [property: JsonPropertyName("user_id")] long? UserId,
    [property: JsonPropertyName("hub_id")] long? HubId);

internal sealed record HsOwner(string? Id, string? Email, string? FirstName, string? LastName, long? UserId);

internal sealed record HsAssociationLabels(IReadOnlyList<HsAssociationLabel>? Results);

internal sealed record HsAssociationLabel(string? Category, int? TypeId, string? Label);

internal sealed record HsBatchRead(IReadOnlyList<string> Properties, IReadOnlyList<HsId> Inputs);

internal sealed record HsId(string Id);

internal sealed record HsBatchResult(IReadOnlyList<HsObject>? Results);

/// <summary><c>POST /crm/v4/associations/{from}/{to}/batch/read</c> answer.</summary>
internal sealed record HsAssociationBatch(IReadOnlyList<HsAssociationRow>? Results);

internal sealed record HsAssociationRow(HsId? From, IReadOnlyList<HsAssociationTarget>? To);

internal sealed record HsAssociationTarget(long? ToObjectId, IReadOnlyList<HsAssociationLabel>? AssociationTypes);

internal sealed record HsAssociationBatchRequest(IReadOnlyList<HsId> Inputs);

internal sealed record HsWrite(
    Dictionary<string, string> Properties,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<HsNewAssociation>? Associations = null);

internal sealed record HsNewAssociation(HsId To, IReadOnlyList<HsAssociationType> Types);

internal sealed record HsAssociationType(string AssociationCategory, int AssociationTypeId);

/// <summary>
/// HubSpot's error body (every field optional): <c>{status, message, correlationId, category, errors[], context}</c>; a 429
/// carries <c>errorType</c> and <c>policyName</c> (DAILY, TEN_SECONDLY_ROLLING, SECONDLY).
/// </summary>
internal sealed record HsError(string? Status, string? Message, string? CorrelationId, string? Category, string? SubCategory,
    IReadOnlyList<HsErrorDetail>? Errors, Dictionary<string, IReadOnlyList<string>>? Context, string? ErrorType, string? PolicyName);

internal sealed record HsErrorDetail(string? Message, string? In, string? Code);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HsObject))]
[JsonSerializable(typeof(HsPage))]
[JsonSerializable(typeof(HsSearchRequest))]
[JsonSerializable(typeof(HsProperties))]
[JsonSerializable(typeof(HsPipelines))]
[JsonSerializable(typeof(HsAccountInfo))]
[JsonSerializable(typeof(HsTokenInfo))]
[JsonSerializable(typeof(HsOwner))]
[JsonSerializable(typeof(HsAssociationLabels))]
[JsonSerializable(typeof(HsBatchRead))]
[JsonSerializable(typeof(HsBatchResult))]
[JsonSerializable(typeof(HsAssociationBatch))]
[JsonSerializable(typeof(HsAssociationBatchRequest))]
[JsonSerializable(typeof(HsWrite))]
[JsonSerializable(typeof(HsError))]
internal sealed partial class HubSpotJsonContext : JsonSerializerContext;
