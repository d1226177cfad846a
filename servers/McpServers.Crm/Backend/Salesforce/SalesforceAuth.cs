using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// How the server authenticates to Salesforce and finds the org's API host (<see cref="ISalesforceInstance"/>).
/// First version: a fixed instance URL and an access token from the environment (quick trials).
/// </summary>
public static class SalesforceAuth
{
    /// <summary>The backend HTTP client the gateway sends with; the credential is attached to it.</summary>
    public const string HttpClientName = "Salesforce";

    public static readonly SettingHelp[] Settings =
    [
        new SettingHelp("Salesforce:InstanceUrl", "The org's address, e.g. https://yourcompany.my.salesforce.com; also SALESFORCE_INSTANCE_URL."),
        new SettingHelp("Salesforce:AccessToken", "An access token for quick trials (expires with the session); also SALESFORCE_ACCESS_TOKEN.", Secret: true),
    ];

    public static readonly EnvironmentAlias[] Aliases =
    [
        new EnvironmentAlias("SALESFORCE_INSTANCE_URL", "Salesforce:InstanceUrl"),
        new EnvironmentAlias("SALESFORCE_ACCESS_TOKEN", "Salesforce:AccessToken"),
    ];

    /// <summary>Registers <see cref="ISalesforceInstance"/> and the credential of <see cref="HttpClientName"/>.</summary>
    public static IServiceCollection AddSalesforceAuth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Uri? instance = Uri.TryCreate(configuration["Salesforce:InstanceUrl"], UriKind.Absolute, out Uri? uri) ? uri : null;
        string? token = configuration["Salesforce:AccessToken"];
        services.AddSingleton<ISalesforceInstance>(new ConfiguredInstance(instance));
        services.AddBackendCredential(HttpClientName, _ => string.IsNullOrWhiteSpace(token) ? null : new BearerCredential(token, "Salesforce"));
        return services;
    }

    private sealed class ConfiguredInstance(Uri? instance) : ISalesforceInstance
    {
        public ValueTask<Uri> GetAsync(CancellationToken cancellationToken) => instance is not null
            ? ValueTask.FromResult(instance)
            : throw new BackendException(BackendErrorKind.Unauthorized,
                "The Salesforce org is not known: set SALESFORCE_INSTANCE_URL (Salesforce:InstanceUrl) or run `mcp-crm login`.");
    }
}
