using System.Text.Json.Nodes;
using McpServers.Shared.Hosting;
using McpServers.Testing.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// mcp-ticketing with the Zendesk provider as the conformance base sees it: a Zendesk address where nothing listens
/// (port 9 on 127.0.0.1), so backend calls fail fast and locally. The API token is a secret, which the command line
/// refuses: the stdio tests get it from the environment.
/// </summary>
public sealed class ZendeskServerUnderTest : IConformanceServer
{
    public ServerIdentity Identity => TicketingServer.Identity;

    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddTicketingServer(configuration);

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Ticketing:Provider"] = "Zendesk",
        ["Zendesk:BaseUrl"] = "http://127.0.0.1:9/",
        ["Zendesk:Email"] = "jane@example.com",
        ["Zendesk:ApiToken"] = TicketingToolTests.Token,
        ["Zendesk:Http:MaxRetries"] = "0",
    };

    public (string Tool, JsonObject Arguments) BackendCall => ("zendesk_search_tickets", []);

    public IReadOnlyList<BackendFault> BackendFaults { get; } =
        Testing.Conformance.BackendFaults.Http(zendesk => new Dictionary<string, string?> { ["Zendesk:BaseUrl"] = zendesk.ToString() }, "Zendesk:Http");

    public void InjectTransportBug(IServiceCollection services, Exception bug) => TransportBugs.ThrowFromEveryHttpRequest(services, bug);

    public string CommandName => "mcp-ticketing";

    public IReadOnlyList<string> StdioArguments =>
        [.. Settings.Where(s => s.Key != "Zendesk:ApiToken").SelectMany(s => new[] { "--set", $"{s.Key}={s.Value}" })];

    public IReadOnlyDictionary<string, string?> StdioEnvironment { get; } =
        new Dictionary<string, string?> { ["ZENDESK_API_TOKEN"] = TicketingToolTests.Token };

    public string ManifestSnapshotPath => "tests/McpServers.Ticketing.Tests/ticketing-zendesk.tools.json";
}
