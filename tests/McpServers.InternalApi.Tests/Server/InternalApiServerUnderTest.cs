using System.Text.Json.Nodes;
using McpServers.InternalApi.Tests.Service;
using McpServers.Shared.Hosting;
using McpServers.Testing.Conformance;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>
/// mcp-internal-api as the conformance base sees it: the inventory document from a file, and a base URL where
/// nothing listens (port 9, discard), so that nothing outside the test is needed and backend calls fail fast.
/// </summary>
public sealed class InternalApiServerUnderTest : IConformanceServer
{
    public const string DeadBaseUrl = "http://127.0.0.1:9/api";

    /// <summary>Every GET plus the three inventory writes.</summary>
    public const string Include = "GET /**,createItem,updateItem,deleteItem";

    public ServerIdentity Identity => InternalApiServer.Identity;

    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddInternalApiServer(configuration);

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Document"] = InventoryService.DocumentFile,
        ["BaseUrl"] = DeadBaseUrl,
        ["Include"] = Include,
        ["Http:MaxRetries"] = "0",
    };

    public (string Tool, JsonObject Arguments) BackendCall => ("api_list_items", new JsonObject { ["limit"] = 1 });

    public IReadOnlyList<BackendFault> BackendFaults { get; } =
        Testing.Conformance.BackendFaults.Http(service => new Dictionary<string, string?> { ["BaseUrl"] = new Uri(service, "api").ToString() }, "Http");

    public void InjectTransportBug(IServiceCollection services, Exception bug) => TransportBugs.ThrowFromEveryHttpRequest(services, bug);

    public string CommandName => "mcp-internal-api";

    public IReadOnlyList<string> StdioArguments =>
        ["--openapi", InventoryService.DocumentFile, "--base-url", DeadBaseUrl, "--include", Include, "--set", "Http:MaxRetries=0"];

    public string ManifestSnapshotPath => "tests/McpServers.InternalApi.Tests/internal-api.tools.json";

    /// <summary>Settings for a server in front of a running inventory service (document fetched from it by URL).</summary>
    public static Dictionary<string, string?> SettingsFor(InventoryService service, params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Document"] = service.DocumentUrl,
            ["BaseUrl"] = service.ApiBase,
            ["Include"] = Include,
            ["Http:MaxRetries"] = "2",
            ["Http:RetryDelay"] = "00:00:00.010",
            ["Http:MaxRetryAfter"] = "00:00:05",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static InMemoryMcpServer Start(IReadOnlyDictionary<string, string?> settings) =>
        new((s, c) => s.AddInternalApiServer(c), settings);
}
