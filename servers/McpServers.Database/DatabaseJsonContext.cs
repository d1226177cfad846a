using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Database.Backend;
using McpServers.Database.Tools;

namespace McpServers.Database;

/// <summary>Source-generated JSON for every type the tools take or return (NativeAOT has no reflection JSON).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RowsOutput))]
[JsonSerializable(typeof(TableListOutput))]
[JsonSerializable(typeof(TableDescription))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<FilterInput>))]
[JsonSerializable(typeof(IReadOnlyList<OrderInput>))]
[JsonSerializable(typeof(IReadOnlyList<GroupInput>))]
[JsonSerializable(typeof(IReadOnlyList<MetricInput>))]
[JsonSerializable(typeof(IReadOnlyList<HavingInput>))]
[JsonSerializable(typeof(int?))]
internal sealed partial class DatabaseJsonContext : JsonSerializerContext;
