using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Communication.Slack;

/// <summary>The Slack backend (Web API, section <c>Slack:</c>): its settings, DI registration and tools, which exist only when it is configured.</summary>
public static class SlackRegistration
{
    public static IReadOnlyList<SettingHelp> Settings { get; } = [];

    public static IReadOnlyList<EnvironmentAlias> Aliases { get; } = [];

    /// <summary>Settings that change which Slack tools exist.</summary>
    public static IReadOnlyList<string> ToolSetSettings { get; } = [];

    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    public static ToolCatalog AddSlackTools(this ToolCatalog catalog) => catalog;
}
