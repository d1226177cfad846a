using System.Text.Json.Nodes;
using McpServers.Testing.Conformance;
using McpServers.Ticketing.Tests.Fake;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>The conformance base with the ServiceNow provider; the property run talks to the fake instance with writes allowed.</summary>
public sealed class ServiceNowConformanceTests : ServerConformanceTests<ServiceNowServerUnderTest>
{
    protected override ServiceNowServerUnderTest Server { get; } = new();

    protected override PropertyRunOptions PropertyRun { get; } = new()
    {
        Samples = new Dictionary<string, JsonNode?[]>
        {
            ["table"] = Values("incident", "problem", "kb_knowledge", "sys_user"),
            ["id"] = Values("INC0010001", "INC0010002", FakeServiceNow.Restricted, "INC9999999"),
            ["group_by"] = Values("assignment_group", "priority"),
            ["order_by"] = Values("sys_updated_on", "priority"),
            ["visibility"] = Values("work_note", "comment"),
            ["cursor"] = [null],
        },
    };

    protected override async Task<PropertyRunBackend> StartPropertyRunBackendAsync()
    {
        FakeServiceNow snow = await FakeServiceNow.StartAsync(Ct);
        return new PropertyRunBackend(ServiceNowServerUnderTest.SettingsFor(snow.BaseUrl), snow);
    }

    private static JsonNode?[] Values(params string[] values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
}
