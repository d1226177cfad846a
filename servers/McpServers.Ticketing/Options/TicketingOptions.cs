using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Ticketing.Options;

/// <summary>The ticketing system one mcp-ticketing process serves.</summary>
public enum TicketingProvider
{
    Jira,
    ServiceNow,
    Zendesk,
}

/// <summary>
/// Which provider this server serves (<c>Ticketing:Provider</c>, or <c>TICKETING_PROVIDER</c>); Jira when unset. Each
/// provider has its own settings section (<c>Jira:</c>, <c>ServiceNow:</c>, <c>Zendesk:</c>) and its own prefixed tools.
/// </summary>
public sealed record TicketingOptions
{
    public const string Section = "Ticketing";
    public const string ProviderSetting = "TICKETING_PROVIDER (Ticketing:Provider)";

    public TicketingProvider Provider { get; set; }

    /// <summary>
    /// The provider as the configuration names it, read without validation (for the tool set, which <c>--print-tools</c>
    /// builds without any backend setting); a value that is not a provider counts as Jira here and is refused at start.
    /// </summary>
    public static TicketingProvider Of(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Enum.TryParse(configuration[$"{Section}:{nameof(Provider)}"]?.Trim(), ignoreCase: true, out TicketingProvider provider)
            && Enum.IsDefined(provider) ? provider : TicketingProvider.Jira;
    }

    /// <summary>A tool-catalog condition: <paramref name="provider"/> is the one the configuration names (see <see cref="Of"/>).</summary>
    public static Func<IServiceProvider, bool> Is(TicketingProvider provider) =>
        services => Of(services.GetRequiredService<IConfiguration>()) == provider;
}

/// <summary>Start-up check of <see cref="TicketingOptions"/>: only a named provider (a number is not one).</summary>
internal sealed class TicketingOptionsValidator : IValidateOptions<TicketingOptions>
{
    public ValidateOptionsResult Validate(string? name, TicketingOptions options) =>
        Enum.IsDefined(options.Provider)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{TicketingOptions.ProviderSetting} must be Jira, ServiceNow or Zendesk.");
}

public static class TicketingOptionsServiceCollectionExtensions
{
    public static IServiceCollection AddTicketingOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSettings<TicketingOptions>(configuration, TicketingOptions.Section, new TicketingOptionsValidator())
            .Bind(configuration.GetSection(TicketingOptions.Section));
        return services;
    }
}
