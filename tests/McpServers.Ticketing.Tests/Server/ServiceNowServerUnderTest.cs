using System.Text.Json.Nodes;
using McpServers.Shared.Hosting;
using McpServers.Testing.Conformance;
using McpServers.Ticketing.Tests.Fake;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// mcp-ticketing with the ServiceNow provider as the conformance base sees it: an instance address where nothing
/// listens (port 9 on 127.0.0.1), so backend calls fail fast and locally; the property run uses the fake instance.
/// </summary>
public sealed class ServiceNowServerUnderTest : IConformanceServer
{
    public ServerIdentity Identity => TicketingServer.Identity;

    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) => services.AddTicketingServer(configuration);

    public IReadOnlyDictionary<string, string?> Settings { get; } = SettingsFor(new Uri("http://127.0.0.1:9/"));

    public static Dictionary<string, string?> SettingsFor(Uri instance) => new()
    {
        ["Ticketing:Provider"] = "ServiceNow",
        ["ServiceNow:InstanceUrl"] = instance.ToString(),
        ["ServiceNow:UserName"] = FakeServiceNow.UserName,
        ["ServiceNow:Password"] = FakeServiceNow.Password,
        ["ServiceNow:Http:MaxRetries"] = "0",
    };

    public (string Tool, JsonObject Arguments) BackendCall => ("snow_search_records", new JsonObject { ["table"] = "incident" });

    public IReadOnlyList<BackendFault> BackendFaults { get; } = Testing.Conformance.BackendFaults.Http(SettingsFor, "ServiceNow:Http");

    public void InjectTransportBug(IServiceCollection services, Exception bug) => TransportBugs.ThrowFromEveryHttpRequest(services, bug);

    public string CommandName => "mcp-ticketing";

    /// <summary>The password is refused on the command line: over stdio it comes from the environment, as in use.</summary>
    public IReadOnlyList<string> StdioArguments =>
        [.. Settings.Where(s => s.Key != "ServiceNow:Password").SelectMany(s => new[] { "--set", $"{s.Key}={s.Value}" })];

    public IReadOnlyDictionary<string, string?> StdioEnvironment { get; } = new Dictionary<string, string?> { ["SERVICENOW_PASSWORD"] = FakeServiceNow.Password };

    public string ManifestSnapshotPath => "tests/McpServers.Ticketing.Tests/ticketing-servicenow.tools.json";
}
