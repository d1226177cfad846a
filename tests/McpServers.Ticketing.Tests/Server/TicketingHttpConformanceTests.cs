using System.Text.Json.Nodes;
using McpServers.Testing.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>mcp-ticketing in front of a hostile Jira: anonymous Cloud, retries off, so each call is one clear attempt.</summary>
public sealed class TicketingHttpBackend : IHttpBackendServer
{
    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddTicketingServer(configuration);

    public IReadOnlyDictionary<string, string?> SettingsFor(Uri backend) => new Dictionary<string, string?>
    {
        ["Jira:BaseUrl"] = backend.ToString(),
        ["Jira:Flavor"] = "Cloud",
        ["Jira:Anonymous"] = "true",
        ["Jira:Projects"] = "OPS",
        ["Jira:Http:MaxRetries"] = "0",
    };

    public string HttpSection => "Jira:Http";

    public (string Tool, JsonObject Arguments) BackendCall => ("jira_list_projects", []);
}

public sealed class TicketingHttpConformanceTests : HttpBackendConformanceTests<TicketingHttpBackend>
{
    protected override TicketingHttpBackend Server { get; } = new();
}
