using System.Text.Json.Nodes;
using McpServers.Shared.Hosting;
using McpServers.Testing.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// mcp-ticketing as the conformance base sees it: a Jira address where nothing listens (port 9 on 127.0.0.1), so
/// backend calls fail fast and locally; the tool tests use the fake Jira instead.
/// </summary>
public sealed class TicketingServerUnderTest : IConformanceServer
{
    public ServerIdentity Identity => TicketingServer.Identity;

    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddTicketingServer(configuration);

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Jira:BaseUrl"] = "http://127.0.0.1:9/",
        ["Jira:Flavor"] = "Cloud",
        ["Jira:Anonymous"] = "true",
        ["Jira:Projects"] = "OPS",
        ["Jira:Http:MaxRetries"] = "0",
        ["Jira:AllowRawJql"] = "true",
    };

    public (string Tool, JsonObject Arguments) BackendCall => ("jira_list_projects", []);

    public IReadOnlyList<BackendFault> BackendFaults { get; } =
        Testing.Conformance.BackendFaults.Http(jira => new Dictionary<string, string?> { ["Jira:BaseUrl"] = jira.ToString() }, "Jira:Http");

    public void InjectTransportBug(IServiceCollection services, Exception bug) => TransportBugs.ThrowFromEveryHttpRequest(services, bug);

    public string CommandName => "mcp-ticketing";

    public IReadOnlyList<string> StdioArguments =>
        [.. Settings.SelectMany(s => new[] { "--set", $"{s.Key}={s.Value}" })];

    public string ManifestSnapshotPath => "tests/McpServers.Ticketing.Tests/ticketing.tools.json";
}
