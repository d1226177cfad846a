using McpServers.Communication.Slack.Backend;
using McpServers.Communication.Slack.Tools;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Communication.Slack;

/// <summary>The Slack backend (Web API, section <c>Slack:</c>): its settings, DI registration and tools, which exist only when it is configured.</summary>
public static class SlackRegistration
{
    public const string HttpClientName = "Slack";

    public static IReadOnlyList<SettingHelp> Settings { get; } =
    [
        new SettingHelp("Slack:BotToken", $"Bot token (xoxb-…) of the Slack app: reads and posts as the app; also {SlackOptions.BotTokenEnvironment}. Scopes: channels:read, groups:read, channels:history, groups:history, users:read, chat:write.", Secret: true),
        new SettingHelp("Slack:UserToken", $"User token (xoxp-…): enables slack_search (search:read); reads and posts as the user when no bot token is set; also {SlackOptions.UserTokenEnvironment}.", Secret: true),
        new SettingHelp("Slack:Channels", "Required with a token: the only channels the tools may read and post to, as ids (C0123ABCD) or #names, comma-separated.", null),
        new SettingHelp("Slack:AllowBroadcastMentions", "Let posts mention @channel, @here, @everyone or a user group.", "false"),
        new SettingHelp("Slack:MaxPostChars", "Longest message the post tools send (Slack's own limit is 40000).", "4000"),
        new SettingHelp("Slack:MaxResults", "Most messages, channels or search results one call returns.", "200"),
        new SettingHelp("Slack:DefaultMaxResults", "Messages one call returns when the model does not say.", "50"),
        new SettingHelp("Slack:MaxMessageChars", "Each message's text is cut at this many characters.", "4000"),
        new SettingHelp("Slack:BaseUrl", "Web API address (https; http only to a loopback address).", SlackOptions.DefaultBaseUrl),
        new SettingHelp("Slack:Http:Proxy", "HTTP proxy URL (also Slack:Http:ExtraCaBundle, Slack:Http:MaxRetries).", null),
    ];

    public static IReadOnlyList<EnvironmentAlias> Aliases { get; } =
    [
        new EnvironmentAlias(SlackOptions.BotTokenEnvironment, "Slack:BotToken"),
        new EnvironmentAlias(SlackOptions.UserTokenEnvironment, "Slack:UserToken"),
    ];

    /// <summary>Settings that change which Slack tools exist.</summary>
    public static IReadOnlyList<string> ToolSetSettings { get; } = ["Slack:BotToken", "Slack:UserToken"];

    /// <summary>
    /// The options and the HTTP client settings (always, so the settings are known), and, when a token is set, the backend client with the token as
    /// its credential and the <see cref="SlackGateway"/> whose presence makes the tools exist. Nothing reaches Slack before
    /// the first tool call.
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSlackOptions(configuration);
        services.AddBackendHttpClient(HttpClientName, configuration.GetSection("Slack:Http"), "Communication",
            ServerIdentity.VersionOf(typeof(SlackRegistration).Assembly));
        if (!SlackOptions.IsConfigured(configuration))
        {
            return services;
        }

        services.AddBackendCredential(HttpClientName, sp => new SlackCredential(sp.GetRequiredService<SlackOptions>()));
        services.AddSingleton(sp =>
        {
            SlackOptions options = sp.GetRequiredService<SlackOptions>();
            HttpClient http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            http.BaseAddress = options.BaseUrl.AbsoluteUri.EndsWith('/') ? options.BaseUrl : new Uri(options.BaseUrl.AbsoluteUri + "/");
            return new SlackApi(http, options, sp.GetRequiredService<ILogger<SlackApi>>());
        });
        services.AddSingleton(sp => new SlackDirectory(sp.GetRequiredService<SlackApi>(), sp.GetRequiredService<ILogger<SlackDirectory>>()));
        services.AddSingleton(sp => new SlackGateway(sp.GetRequiredService<SlackApi>(), sp.GetRequiredService<SlackDirectory>(),
            sp.GetRequiredService<ILogger<SlackGateway>>()));
        return services;
    }

    public static ToolCatalog AddSlackTools(this ToolCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog
            .AddWhen<ListChannelsTool>(Configured)
            .AddWhen<ReadChannelTool>(Configured)
            .AddWhen<GetThreadTool>(Configured)
            .AddWhen<SearchTool>(sp => sp.GetService<SlackGateway>() is { Options.CanSearch: true })
            .AddWhen<PostMessageTool>(Configured)
            .AddWhen<ReplyInThreadTool>(Configured);
    }

    private static bool Configured(IServiceProvider services) => services.GetService<SlackGateway>() is not null;
}
