using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using McpServers.InternalApi.Backend;
using McpServers.InternalApi.Tools;

namespace McpServers.InternalApi;

/// <summary>Source-generated JSON for every type this server reads or writes (NativeAOT has no reflection JSON).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OperationOutput))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class InternalApiJsonContext : JsonSerializerContext;
