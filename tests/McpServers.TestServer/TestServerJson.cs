using System.Text.Json.Serialization;

namespace McpServers.TestServer;

/// <summary>Metadata for the test tools' parameter types that the SDK's own context lacks (NativeAOT has no reflection JSON).</summary>
[JsonSerializable(typeof(IReadOnlyList<int>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(int?))]
internal sealed partial class TestServerJsonContext : JsonSerializerContext;
