using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Communication.Guards;

/// <summary>The write guards every send tool passes through (section <c>Guards:</c>): settings and DI registration of <see cref="SendGuard"/>.</summary>
public static class GuardRegistration
{
    public static IReadOnlyList<SettingHelp> Settings { get; } = [];

    public static IServiceCollection AddGuards(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<SendGuard>();
        return services;
    }
}
