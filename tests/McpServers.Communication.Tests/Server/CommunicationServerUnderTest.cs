using System.Text.Json.Nodes;
using McpServers.Communication.Tests.Slack;
using McpServers.Shared.Hosting;
using McpServers.Testing.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Communication.Tests.Server;

/// <summary>
/// mcp-communication as the conformance base sees it: every backend configured (IMAP and SMTP, Slack), all pointing
/// at 127.0.0.1 port 9 where nothing listens, so backend calls fail fast and locally; the property run uses a
/// <see cref="FakeSlack"/> instead. The secrets are passed to the stdio tests through the environment, as in use.
/// </summary>
public sealed class CommunicationServerUnderTest : IConformanceServer
{
    /// <summary>The mail password the settings carry: it must never appear in any output.</summary>
    public const string Password = "CANARY-mail-password-7d1c";

    private static readonly string Stores = Directory.CreateTempSubdirectory("mcp-communication-conformance-").FullName;

    public ServerIdentity Identity => CommunicationServer.Identity;

    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) => services.AddCommunicationServer(configuration);

    public IReadOnlyDictionary<string, string?> Settings { get; } = SettingsFor(new Uri("http://127.0.0.1:9/"));

    /// <summary>Everything configured; Slack at <paramref name="slack"/>, the mail servers on port 9.</summary>
    public static Dictionary<string, string?> SettingsFor(Uri slack) => new()
    {
        ["Email:ImapHost"] = "127.0.0.1",
        ["Email:ImapPort"] = "9",
        ["Email:ImapSecurity"] = "None",
        ["Email:SmtpHost"] = "127.0.0.1",
        ["Email:SmtpPort"] = "9",
        ["Email:SmtpSecurity"] = "None",
        ["Email:UserName"] = "jane@example.test",
        ["Email:Password"] = Password,
        ["Email:From"] = "jane@example.test",
        ["Email:Timeout"] = "00:00:02",
        ["Slack:BaseUrl"] = slack.ToString(),
        ["Slack:BotToken"] = FakeSlack.BotToken,
        ["Slack:UserToken"] = FakeSlack.UserToken,
        ["Slack:Channels"] = SlackHost.AllowedChannels,
        ["Slack:Http:MaxRetries"] = "0",
        ["Guards:AllowedRecipientDomains"] = "example.test",
        ["Guards:StorePath"] = Path.Combine(Stores, $"sends-{Guid.NewGuid():N}.json"),
        ["Calendar:StorePath"] = Path.Combine(Stores, $"invitations-{Guid.NewGuid():N}.json"),
        ["Calendar:TimeZone"] = "Europe/Berlin",
    };

    public (string Tool, JsonObject Arguments) BackendCall => ("slack_list_channels", []);

    public IReadOnlyList<BackendFault> BackendFaults { get; } = Testing.Conformance.BackendFaults.Http(SettingsFor, "Slack:Http");

    public void InjectTransportBug(IServiceCollection services, Exception bug) => TransportBugs.ThrowFromEveryHttpRequest(services, bug);

    public string CommandName => "mcp-communication";

    /// <summary>Secrets are refused on the command line: over stdio they come from the environment.</summary>
    private static readonly string[] EnvironmentOnly = ["Email:Password", "Slack:BotToken", "Slack:UserToken"];

    public IReadOnlyList<string> StdioArguments =>
        [.. Settings.Where(s => !EnvironmentOnly.Contains(s.Key)).SelectMany(s => new[] { "--set", $"{s.Key}={s.Value}" })];

    public IReadOnlyDictionary<string, string?> StdioEnvironment { get; } = new Dictionary<string, string?>
    {
        ["EMAIL_PASSWORD"] = Password,
        ["SLACK_BOT_TOKEN"] = FakeSlack.BotToken,
        ["SLACK_USER_TOKEN"] = FakeSlack.UserToken,
    };

    public string ManifestSnapshotPath => "tests/McpServers.Communication.Tests/communication.tools.json";
}
