using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace McpServers.Testing.Shared;

/// <summary>Source-generated JSON metadata the test kit needs.</summary>
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class TestKitJsonContext : JsonSerializerContext;

internal static class Json
{
    public static JsonTypeInfo<JsonNode> Node => TestKitJsonContext.Default.JsonNode;
}
