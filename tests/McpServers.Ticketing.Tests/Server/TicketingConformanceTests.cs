using System.Text.Json.Nodes;
using McpServers.Testing.Conformance;
using McpServers.Ticketing.Tests.Fake;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>The conformance base; the property run talks to the fake Jira (Cloud) with writes allowed.</summary>
public sealed class TicketingConformanceTests : ServerConformanceTests<TicketingServerUnderTest>
{
    protected override TicketingServerUnderTest Server { get; } = new();

    protected override PropertyRunOptions PropertyRun { get; } = new()
    {
        Samples = new Dictionary<string, JsonNode?[]>
        {
            ["issue_key"] = Values("OPS-1", "OPS-2", "WEB-3", "OPS-404", "OPS-77"),
            ["project"] = Values("OPS", "WEB", "HR"),
            ["projects[]"] = Values("OPS", "WEB"),
            ["issue_type"] = Values("Bug", "Task"),
            ["transition"] = Values("Start Progress", "11", "Done", "31"),
            ["assignee"] = Values("me", "unassigned", "acc-me"),
            ["jql"] = Values("status = \"Done\"", "project = OPS AND labels = backend"),
            ["statuses[]"] = Values("In Progress", "Done"),
            ["labels[]"] = Values("backend", "ui"),
            ["created_from"] = Values("2026-01-15", "2024-02-29"),
            ["created_before"] = Values("2026-12-31"),
            ["updated_from"] = Values("2025-06-01"),
            ["updated_before"] = Values("2026-12-31"),
            ["cursor"] = [null],
        },
    };

    protected override async Task<PropertyRunBackend> StartPropertyRunBackendAsync()
    {
        FakeJira jira = await FakeJira.StartAsync(cloud: true, Ct);
        Dictionary<string, string?> settings = TicketingToolTests.SettingsFor(jira);
        settings["Jira:AllowRawJql"] = "true";
        return new PropertyRunBackend(settings, jira);
    }

    private static JsonNode?[] Values(params string[] values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
}
