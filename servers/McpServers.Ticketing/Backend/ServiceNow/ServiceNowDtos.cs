using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpServers.Ticketing.Backend.ServiceNow;

/// <summary>Table API list answer: <c>{"result": [ {field: value, …}, … ]}</c>.</summary>
internal sealed record SnowRecordList(List<Dictionary<string, JsonElement>>? Result);

/// <summary>Table API single-record answer: <c>{"result": {field: value, …}}</c>.</summary>
internal sealed record SnowRecordOne(Dictionary<string, JsonElement>? Result);

/// <summary>Aggregate API answer: <c>result</c> is an object (no grouping) or an array of groups.</summary>
internal sealed record SnowStats(JsonElement Result);

/// <summary>ServiceNow's error document: <c>{"error": {"message", "detail"}, "status": "failure"}</c>.</summary>
internal sealed record SnowErrorBody(SnowError? Error, string? Status);

internal sealed record SnowError(string? Message, string? Detail);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SnowRecordList))]
[JsonSerializable(typeof(SnowRecordOne))]
[JsonSerializable(typeof(SnowStats))]
[JsonSerializable(typeof(SnowErrorBody))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ServiceNowJsonContext : JsonSerializerContext;
