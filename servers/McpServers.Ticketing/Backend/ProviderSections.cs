using System.Diagnostics.CodeAnalysis;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Backend;

/// <summary>The settings sections of a provider that is not the one chosen: declared, so that its settings left in the environment are not taken for typos.</summary>
internal static class ProviderSections
{
    public static IServiceCollection AddProviderSections<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(
        this IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddSettingsSection<TOptions>(section);
        services.AddSettingsSection<OAuthClientOptions>(section + ":OAuth");
        return services.AddSettingsSection<BackendHttpOptions>(section + ":Http");
    }
}
