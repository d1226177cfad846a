using System.Text.Json.Nodes;
using McpServers.InternalApi.Tests.Service;
using McpServers.Testing.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>
/// mcp-internal-api in front of a hostile service: the inventory document from a file (so the tools exist whatever the
/// service does), retries off.
/// </summary>
public sealed class InternalApiHttpBackend : IHttpBackendServer
{
    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddInternalApiServer(configuration);

    public IReadOnlyDictionary<string, string?> SettingsFor(Uri backend) => new Dictionary<string, string?>
    {
        ["Document"] = InventoryService.DocumentFile,
        ["BaseUrl"] = new Uri(backend, "api").ToString(),
        ["Include"] = InternalApiServerUnderTest.Include,
        ["Http:MaxRetries"] = "0",
    };

    public string HttpSection => "Http";

    public (string Tool, JsonObject Arguments) BackendCall => ("api_list_items", new JsonObject { ["limit"] = 1 });
}

public sealed class InternalApiHttpConformanceTests : HttpBackendConformanceTests<InternalApiHttpBackend>
{
    protected override InternalApiHttpBackend Server { get; } = new();
}
