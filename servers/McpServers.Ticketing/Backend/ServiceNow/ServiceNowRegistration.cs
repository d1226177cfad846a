using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Backend.ServiceNow;

/// <summary>The ServiceNow provider (section <c>ServiceNow:</c>): its settings, DI registration and <c>snow_*</c> tools.</summary>
public static class ServiceNowRegistration
{
    public static IReadOnlyList<SettingHelp> Settings { get; } = [];

    public static IReadOnlyList<EnvironmentAlias> Aliases { get; } = [];

    public static IServiceCollection AddServiceNow(this IServiceCollection services, IConfiguration configuration, bool chosen, string version)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _ = chosen;
        _ = version;
        return services;
    }

    public static ToolCatalog AddServiceNowTools(this ToolCatalog catalog) => catalog;
}

/// <summary>Output and parameter types of the <c>snow_*</c> tools.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class ServiceNowToolJsonContext : JsonSerializerContext;
