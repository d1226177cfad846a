using System.Text.Json;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Communication.Tests.Slack;

/// <summary>mcp-communication with only Slack configured, over a <see cref="FakeSlack"/>, served in memory.</summary>
internal static class SlackHost
{
    /// <summary>#release by name (resolved through conversations.list) and #random by id; #secret-project and #general are not allowed.</summary>
    public const string AllowedChannels = "#release," + FakeSlack.Random;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Dictionary<string, string?> Settings(FakeSlack fake, bool bot = true, bool user = false, bool writes = false) => new()
    {
        ["Slack:BaseUrl"] = fake.BaseUrl.ToString(),
        ["Slack:BotToken"] = bot ? FakeSlack.BotToken : null,
        ["Slack:UserToken"] = user ? FakeSlack.UserToken : null,
        ["Slack:Channels"] = AllowedChannels,
        ["Slack:Http:MaxRetries"] = "0",
        ["Policy:ReadOnly"] = writes ? "false" : "true",
    };

    public static InMemoryMcpServer Start(IReadOnlyDictionary<string, string?> settings) =>
        new((services, configuration) => services.AddCommunicationServer(configuration), settings);

    /// <summary>A client whose user answers every confirmation with <paramref name="accept"/>; the questions asked are collected.</summary>
    public static McpClientOptions Eliciting(bool accept, List<string> asked) => new()
    {
        ProtocolVersion = "2025-11-25",
        Handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, _) =>
            {
                lock (asked)
                {
                    asked.Add(request?.Message ?? "");
                }

                return ValueTask.FromResult(accept
                    ? new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) } }
                    : new ElicitResult { Action = "decline" });
            },
        },
    };

    public static Task<CallToolResult> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments) =>
        client.CallToolAsync(tool, arguments, cancellationToken: Ct).AsTask();

    public static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    public static JsonElement Structured(CallToolResult result) =>
        result.StructuredContent is { } s ? JsonSerializer.SerializeToElement(s) : throw new InvalidOperationException("No structured content: " + Text(result));

    /// <summary>The Slack services alone (AddSlack), for gateway-level tests.</summary>
    public static ServiceProvider Services(FakeSlack fake, Dictionary<string, string?>? extra = null)
    {
        Dictionary<string, string?> settings = Settings(fake, user: true);
        foreach ((string key, string? value) in extra ?? [])
        {
            settings[key] = value;
        }

        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        McpServers.Communication.Slack.SlackRegistration.AddSlack(services, configuration);
        return services.BuildServiceProvider();
    }
}
