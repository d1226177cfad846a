using System.Text.Json.Nodes;
using McpServers.Testing.Conformance;

namespace McpServers.Documents.Tests.Server;

/// <summary>The conformance base over the demo documents (the real local source).</summary>
public sealed class DocumentsConformanceTests : ServerConformanceTests<DocumentsServerUnderTest>
{
    protected override DocumentsServerUnderTest Server { get; } = new();

    protected override PropertyRunOptions PropertyRun { get; } = new()
    {
        Samples = new Dictionary<string, JsonNode?[]>
        {
            ["id"] = Values("local:Demo/travel-policy.md", "local:Demo/Security/acceptable-use.md", "local:Demo/missing.md", "local:../etc/passwd"),
            ["container"] = Values("local:Demo", "local:Demo/Security", "local:nowhere"),
            ["words"] = Values("per diem", "password", "\"quoted\" OR x"),
            ["heading"] = Values("Per diems", "Devices", "Nope"),
            ["version"] = [null],
            ["from_version"] = Values("1"),
            ["to_version"] = [null],
            ["modified_from"] = Values("2020-01-01"),
            ["modified_before"] = Values("2099-12-31"),
            ["cursor"] = [null],
        },
    };

    private static JsonNode?[] Values(params string[] values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
}
