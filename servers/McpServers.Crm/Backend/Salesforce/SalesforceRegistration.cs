using McpServers.Crm.Options;
using McpServers.Shared.Audit;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>Everything the Salesforce provider adds to the server: its settings (for --help) and its services.</summary>
public static class SalesforceRegistration
{
    /// <summary>The provider's settings, listed by --help after the Crm: ones.</summary>
    public static readonly SettingHelp[] Settings =
    [
        .. SalesforceAuth.Settings,
        new SettingHelp("Salesforce:ApiVersion", "REST API version in every path (/services/data/<version>/).", SalesforceOptions.DefaultApiVersion),
        new SettingHelp("Salesforce:Objects", "Objects the server may read (comma-separated): Account, Contact, Opportunity, Task, Event.",
            string.Join(",", SalesforceObjects.All)),
        new SettingHelp("Salesforce:AccountFields", "Account fields the model may see and filter on (API names, comma-separated); intersected with the user's describe.",
            "Id,Name,Industry,Type,BillingCity,BillingCountry,AnnualRevenue,…"),
        new SettingHelp("Salesforce:ContactFields", "Contact fields the model may see and filter on.", "Id,Name,FirstName,LastName,Title,Email,Phone,AccountId,OwnerId,Department"),
        new SettingHelp("Salesforce:OpportunityFields", "Opportunity fields the model may see and filter on.", "Id,Name,StageName,Amount,CloseDate,IsClosed,IsWon,AccountId,OwnerId,…"),
        new SettingHelp("Salesforce:TaskFields", "Task fields shown in activities.", "Id,Subject,Status,ActivityDate,TaskSubtype,Description,WhatId,WhoId,OwnerId,…"),
        new SettingHelp("Salesforce:EventFields", "Event fields shown in activities.", "Id,Subject,StartDateTime,EndDateTime,DurationInMinutes,Description,WhatId,WhoId,OwnerId,…"),
        new SettingHelp("Salesforce:AccountWriteFields", "Account fields crm_create_record / crm_update_record may set (with --allow-writes).", "(none)"),
        new SettingHelp("Salesforce:ContactWriteFields", "Contact fields the write tools may set.", "FirstName,LastName,Email,Title,Phone,AccountId"),
        new SettingHelp("Salesforce:OpportunityWriteFields", "Opportunity fields the write tools may set.", "StageName,NextStep,CloseDate,Amount"),
        new SettingHelp("Salesforce:Http:Proxy", "HTTP proxy URL (also Salesforce:Http:ExtraCaBundle, Salesforce:Http:MaxRetries).", null),
    ];

    /// <summary>Vendor-style environment names for the provider's settings.</summary>
    public static readonly EnvironmentAlias[] Aliases = [.. SalesforceAuth.Aliases];

    /// <summary>
    /// Registers the provider's options (validated at start), backend HTTP client, credential and sign-in, and the
    /// <see cref="ICrmGateway"/> singleton. Called by CrmServer.AddCrmServer when Crm:Provider is Salesforce.
    /// </summary>
    public static IServiceCollection AddSalesforce(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSalesforceOptions(configuration);
        services.AddBackendHttpClient(SalesforceAuth.HttpClientName, configuration.GetSection("Salesforce:Http"), "Crm",
            ServerIdentity.VersionOf(typeof(SalesforceRegistration).Assembly));
        services.AddSalesforceAuth(configuration);
        // Created on first use: nothing reaches Salesforce before the first tool call or --check. The audit context
        // hears the org's host and, once Salesforce has said who the user is, as whom; the gateway knows no audit.
        services.AddSingleton<ICrmGateway>(sp =>
        {
            AuditContext audit = sp.GetRequiredService<AuditContext>();
            return new SalesforceGateway(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(SalesforceAuth.HttpClientName),
                sp.GetRequiredService<ISalesforceInstance>(),
                sp.GetRequiredService<SalesforceOptions>(),
                sp.GetRequiredService<CrmOptions>(),
                sp.GetRequiredService<TimeProvider>(),
                host => audit.Downstream = host,
                (name, id) => audit.BackendIdentity = name is null ? id : $"{name} ({id})",
                sp.GetRequiredService<ILogger<SalesforceGateway>>());
        });
        return services;
    }
}
