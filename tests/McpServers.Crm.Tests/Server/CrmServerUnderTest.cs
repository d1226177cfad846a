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

    /// <summary>
    /// A secret is refused on the command line, and the stdio tests pass settings only there: over stdio the server is
    /// configured for user sign-in instead (a client id is no secret), with a token file nobody has written, so it
    /// starts and every backend call asks for <c>mcp-crm login</c>.
    /// </summary>
    public IReadOnlyList<string> StdioArguments =>
    [
        .. Settings.Where(s => s.Key != "Salesforce:AccessToken").SelectMany(s => new[] { "--set", $"{s.Key}={s.Value}" }),
        "--set", "Salesforce:OAuth:ClientId=mcp-crm-conformance",
        "--set", $"Salesforce:OAuth:TokenFile={Path.Combine(Path.GetTempPath(), $"mcp-crm-conformance-{Guid.NewGuid():N}", "token")}",
    ];

    public string ManifestSnapshotPath => "tests/McpServers.Crm.Tests/crm.tools.json";
}
