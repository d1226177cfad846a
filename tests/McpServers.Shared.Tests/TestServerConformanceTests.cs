using System.Text.Json.Nodes;
using McpServers.Testing.Conformance;

namespace McpServers.Shared.Tests;

public sealed class TestServerConformanceTests : ServerConformanceTests<TestServerUnderTest>
{
    protected override TestServerUnderTest Server { get; } = new();

    /// <summary>
    /// test_fail's "bug" is an internal error by design and test_slow would really wait: both are pinned. test_gate
    /// waits for its test to open the gate, so it is not called.
    /// </summary>
    protected override PropertyRunOptions PropertyRun { get; } = new()
    {
        Pins = new Dictionary<string, JsonNode?[]>
        {
            ["test_slow/seconds"] = [JsonValue.Create(0)],
            ["test_fail/mode"] = [JsonValue.Create("input"), JsonValue.Create("backend")],
        },
        WaitingTools = new HashSet<string>(StringComparer.Ordinal) { "test_gate" },
    };
}
