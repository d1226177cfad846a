using System.Text.Json.Nodes;
using McpServers.InternalApi.Tests.Service;
using McpServers.Testing.Conformance;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>The conformance base over the inventory document's generated tools; the property run calls the running sample service.</summary>
public sealed class InternalApiConformanceTests : ServerConformanceTests<InternalApiServerUnderTest>
{
    protected override InternalApiServerUnderTest Server { get; } = new();

    protected override IReadOnlyList<string> ConfiguredTools =>
        ["api_list_items", "api_create_item", "api_get_item", "api_update_item", "api_delete_item", "api_get_warehouses_by_warehouse_id_stock"];

    protected override PropertyRunOptions PropertyRun { get; } = new()
    {
        Samples = new Dictionary<string, JsonNode?[]>
        {
            ["itemId"] = [JsonValue.Create("w-1"), JsonValue.Create("g-2"), JsonValue.Create("n-9")],
        },
    };

    protected override async Task<PropertyRunBackend> StartPropertyRunBackendAsync()
    {
        InventoryService service = await InventoryService.StartAsync();
        // No retries: the service's 429/503 endpoints would otherwise make the run wait for Retry-After.
        return new PropertyRunBackend(InternalApiServerUnderTest.SettingsFor(service, ("Http:MaxRetries", "0")), service);
    }
}
