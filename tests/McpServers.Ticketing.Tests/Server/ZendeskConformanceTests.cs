using System.Text.Json.Nodes;
using McpServers.Testing.Conformance;
using McpServers.Ticketing.Tests.Fake;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>The conformance base for the Zendesk provider; the property run talks to the fake Zendesk with writes allowed.</summary>
public sealed class ZendeskConformanceTests : ServerConformanceTests<ZendeskServerUnderTest>
{
    protected override ZendeskServerUnderTest Server { get; } = new();

    protected override PropertyRunOptions PropertyRun { get; } = new()
    {
        Samples = new Dictionary<string, JsonNode?[]>
        {
            ["ticket_id"] = [1, 2, 404],
            ["statuses[]"] = Values("open", "pending", "solved"),
            ["priorities[]"] = Values("high", "low"),
            ["assignee"] = Values("me", "none", "10"),
            ["requester"] = Values("me", "ann@example.com"),
            ["group"] = Values("Tier 2", "none"),
            ["tags"] = [new JsonArray("vip"), null],
            ["tags[]"] = Values("vip", "billing"),
            ["created_from"] = Values("2026-01-15", "2024-02-29"),
            ["created_before"] = Values("2026-12-31"),
            ["updated_from"] = Values("2025-06-01"),
            ["updated_before"] = Values("2026-12-31"),
            ["cursor"] = [null],
        },
    };

    protected override async Task<PropertyRunBackend> StartPropertyRunBackendAsync()
    {
        FakeZendesk zendesk = await FakeZendesk.StartAsync(Ct);
        return new PropertyRunBackend(ZendeskToolTests.SettingsFor(zendesk), zendesk);
    }

    private static JsonNode?[] Values(params string[] values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
}
