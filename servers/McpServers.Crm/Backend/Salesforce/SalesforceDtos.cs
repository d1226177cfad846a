using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace McpServers.Crm.Backend.Salesforce;

// Salesforce REST API shapes (docs/research/crm-vendor-shapes.md, part A). Everything optional: Salesforce's answers
// are data from an untrusted backend, read only as far as this provider needs them.

/// <summary>REST "Query" / "Query More Results": a batch of records and, while not done, the next batch's locator.</summary>
internal sealed record SfQueryResult(long? TotalSize, bool Done, string? NextRecordsUrl, IReadOnlyList<JsonElement>? Records);

/// <summary>The parts of DescribeSObjectResult this provider reads.</summary>
internal sealed record SfDescribe(string? Name, string? Label, string? KeyPrefix, bool Queryable, bool Createable, bool Updateable,
    IReadOnlyList<SfField>? Fields);

internal sealed record SfField(string? Name, string? Label, string? Type, int Length, bool Createable, bool Updateable, bool Nillable,
    bool Filterable, IReadOnlyList<SfPicklistValue>? PicklistValues, IReadOnlyList<string>? ReferenceTo, string? RelationshipName);

internal sealed record SfPicklistValue(bool Active, string? Label, string? Value);

/// <summary>One entry of Salesforce's error array <c>[{"message","errorCode","fields"}]</c>.</summary>
internal sealed record SfError(string? Message, string? ErrorCode, IReadOnlyList<string>? Fields);

/// <summary>"Create a Record": <c>{"id","success","errors"}</c> with 201.</summary>
internal sealed record SfCreated(string? Id, bool Success, IReadOnlyList<JsonElement>? Errors);

/// <summary>OpenID Connect UserInfo (<c>/services/oauth2/userinfo</c>): <c>user_id</c> is owner "me".</summary>
internal sealed record SfUserInfo(
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("organization_id")] string? OrganizationId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("preferred_username")] string? PreferredUsername);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SfQueryResult))]
[JsonSerializable(typeof(SfDescribe))]
[JsonSerializable(typeof(IReadOnlyList<SfError>))]
[JsonSerializable(typeof(SfCreated))]
[JsonSerializable(typeof(SfUserInfo))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class SalesforceJsonContext : JsonSerializerContext;
