using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>Everything the Salesforce provider adds to the server: its settings (for --help) and its services.</summary>
public static class SalesforceRegistration
{
    /// <summary>The provider's settings, listed by --help after the Crm: ones.</summary>
    public static readonly SettingHelp[] Settings = [];

    /// <summary>Vendor-style environment names for the provider's settings.</summary>
    public static readonly EnvironmentAlias[] Aliases = [];

    /// <summary>
    /// Registers the provider's options (validated at start), backend HTTP client, credential and sign-in, and the
    /// <see cref="ICrmGateway"/> singleton. Called by CrmServer.AddCrmServer when Crm:Provider is Salesforce.
    /// </summary>
    public static IServiceCollection AddSalesforce(this IServiceCollection services, IConfiguration configuration) =>
        throw new NotSupportedException("The Salesforce provider is not built yet.");
}
