using System.Text.Json.Nodes;
using McpServers.Communication.Tests.Slack;
using McpServers.Testing.TypeScriptClient;

namespace McpServers.Communication.Tests.Server;

/// <summary>
/// mcp-communication (Slack over the loopback fake) driven by the official TypeScript SDK client: reads, and a post
/// through the confirmation token, which an administrator has enabled for slack_post_message knowingly
/// (Confirmation:AllowToken; by default every send is confirmed by elicitation only).
/// </summary>
public sealed class CommunicationTypeScriptSdkStdioTests : TypeScriptClientStdioTests
{
    protected override async Task<TypeScriptClientScenario> StartScenarioAsync(CancellationToken cancellationToken)
    {
        FakeSlack slack = await FakeSlack.StartAsync(cancellationToken);
        string stores = Directory.CreateTempSubdirectory("mcp-communication-ts-").FullName;
        return new TypeScriptClientScenario
        {
            CommandName = "mcp-communication",
            Environment = new Dictionary<string, string?>
            {
                ["SLACK_BOT_TOKEN"] = FakeSlack.BotToken,
                ["MCP_COMMUNICATION__Slack__BaseUrl"] = slack.BaseUrl.ToString(),
                ["MCP_COMMUNICATION__Slack__Channels"] = SlackHost.AllowedChannels,
                ["MCP_COMMUNICATION__Confirmation__AllowToken"] = "slack_post_message",
                ["MCP_COMMUNICATION__Guards__StorePath"] = Path.Combine(stores, "sends.json"),
                ["MCP_COMMUNICATION__Calendar__StorePath"] = Path.Combine(stores, "invitations.json"),
            },
            Reads =
            [
                new("slack_list_channels", []),
                new("slack_read_channel", new JsonObject { ["channel"] = "#release" }),
                new("slack_get_thread", new JsonObject { ["channel"] = "#release", ["thread_ts"] = FakeSlack.ThreadTs }),
            ],
            Write = new("slack_post_message", new JsonObject { ["channel"] = "#release", ["text"] = "Release notes are on the wiki." }),
            BackendWrites = () => slack.Calls("chat.postMessage").Count,
            Invalid = new("slack_read_channel", new JsonObject { ["channel"] = 42 }),
            InvalidMessage = "channel",
            Backend = slack,
        };
    }
}
