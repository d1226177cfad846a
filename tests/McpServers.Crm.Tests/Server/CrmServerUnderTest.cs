using System.Text.Json.Nodes;
using McpServers.Crm.Tests.Fakes;
using McpServers.Shared.Hosting;
using McpServers.Testing.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.Server;

/// <summary>
/// mcp-crm (Salesforce provider) as the conformance base sees it: an org address where nothing listens (port 9 on
/// 127.0.0.1), so backend calls fail fast and locally; the end-to-end tests use <see cref="FakeSalesforce"/> instead.
/// </summary>
public sealed class CrmServerUnderTest : IConformanceServer
{
    /// <summary>The access token the settings carry: it must never appear in any output.</summary>
    public const string Token = "00DCANARY0000000001!AQcanary-crm-token-5e1f";

    public ServerIdentity Identity => CrmServer.Identity;

    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) => services.AddCrmServer(configuration);

    public IReadOnlyDictionary<string, string?> Settings { get; } = SettingsFor(new Uri("http://127.0.0.1:9/"));

    public static Dictionary<string, string?> SettingsFor(Uri salesforce) => new()
    {
        ["Crm:Provider"] = "Salesforce",
        ["Salesforce:InstanceUrl"] = salesforce.ToString(),
        ["Salesforce:AccessToken"] = Token,
        ["Salesforce:Http:MaxRetries"] = "0",
    };

    public (string Tool, JsonObject Arguments) BackendCall => ("crm_describe_object", new JsonObject { ["object_type"] = "account" });

    public IReadOnlyList<BackendFault> BackendFaults { get; } = Testing.Conformance.BackendFaults.Http(SettingsFor, "Salesforce:Http");

    public void InjectTransportBug(IServiceCollection services, Exception bug) => TransportBugs.ThrowFromEveryHttpRequest(services, bug);

    public string CommandName => "mcp-crm";

    /// <summary>The token goes by environment in real use; the stdio tests pass everything but it on the command line.</summary>
    public IReadOnlyList<string> StdioArguments =>
        [.. Settings.Where(s => s.Key != "Salesforce:AccessToken").SelectMany(s => new[] { "--set", $"{s.Key}={s.Value}" })];

    public string ManifestSnapshotPath => "tests/McpServers.Crm.Tests/crm.tools.json";
}
