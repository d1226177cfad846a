using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Shared.Audit;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Options;
using McpServers.Ticketing.Tools.ServiceNow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Ticketing.Backend.ServiceNow;

/// <summary>The ServiceNow provider (section <c>ServiceNow:</c>): its settings, DI registration and <c>snow_*</c> tools.</summary>
public static class ServiceNowRegistration
{
    public static IReadOnlyList<SettingHelp> Settings { get; } =
    [
        new SettingHelp("ServiceNow:InstanceUrl", "ServiceNow: the instance, e.g. https://acme.service-now.com; also SERVICENOW_INSTANCE_URL."),
        new SettingHelp("ServiceNow:UserName", "ServiceNow: integration user for basic auth; also SERVICENOW_USERNAME."),
        new SettingHelp("ServiceNow:Password", $"ServiceNow: that user's password; only from {ServiceNowOptions.PasswordEnvironment} or {ServiceNowOptions.PasswordEnvironment}_FILE.", Secret: true),
        new SettingHelp("ServiceNow:OAuth:ClientId", "ServiceNow: OAuth client id (Application Registry) to act as the user who ran `mcp-ticketing login`."),
        new SettingHelp("ServiceNow:OAuth:ClientSecret", "ServiceNow: the OAuth client's secret.", Secret: true),
        new SettingHelp("ServiceNow:OAuth:TokenFile", "ServiceNow: where login stores the refresh token.", "<local app data>/mcp-ticketing/servicenow-refresh-token"),
        new SettingHelp("ServiceNow:Tables", "ServiceNow: tables the tools may use (never sys_* tables).", string.Join(",", ServiceNowOptions.DefaultTables)),
        new SettingHelp("ServiceNow:ReadOnlyTables", "ServiceNow: tables the tools only read.", "kb_knowledge"),
        new SettingHelp("ServiceNow:CreateTables", "ServiceNow: tables snow_create_record may create records in.", "incident"),
        new SettingHelp("ServiceNow:Fields:<table>", "ServiceNow: fields the tools read and filter on in that table, comma-separated.", "a short list per default table (README)"),
        new SettingHelp("ServiceNow:WritableFields:<table>", "ServiceNow: fields the write tools may set in that table, comma-separated.", "a short list per default table (README)"),
        new SettingHelp("ServiceNow:DefaultMaxResults", "ServiceNow: records per page when the model does not ask.", "25"),
        new SettingHelp("ServiceNow:MaxResults", "ServiceNow: records per page the model can never exceed.", "100"),
        new SettingHelp("ServiceNow:MaxJournalEntries", "ServiceNow: newest work notes and comments snow_get_record returns at most.", "20"),
        new SettingHelp("ServiceNow:MaxTextChars", "ServiceNow: field values and notes are cut above this length.", "20000"),
        new SettingHelp("ServiceNow:Http:Proxy", "ServiceNow: HTTP proxy URL (also ServiceNow:Http:ExtraCaBundle, ServiceNow:Http:MaxRetries)."),
    ];

    public static IReadOnlyList<EnvironmentAlias> Aliases { get; } =
    [
        new EnvironmentAlias("SERVICENOW_INSTANCE_URL", "ServiceNow:InstanceUrl"),
        new EnvironmentAlias("SERVICENOW_USERNAME", "ServiceNow:UserName"),
        new EnvironmentAlias(ServiceNowOptions.PasswordEnvironment, "ServiceNow:Password"),
    ];

    /// <summary>
    /// When <paramref name="chosen"/>: the options, the sign-in, the HTTP client and the gateway, created on first use
    /// (nothing reaches ServiceNow before the first tool call or --check). Otherwise only the settings sections.
    /// </summary>
    public static IServiceCollection AddServiceNow(this IServiceCollection services, IConfiguration configuration, bool chosen, string version)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!chosen)
        {
            return services.AddProviderSections<ServiceNowOptions>(ServiceNowOptions.Section);
        }

        services.AddServiceNowOptions(configuration);
        Uri.TryCreate(configuration["ServiceNow:InstanceUrl"], UriKind.Absolute, out Uri? instance);
        services.AddUserSignIn(new UserSignInRegistration("ServiceNow", ServiceNowOptions.OAuthSection, ServiceNowGateway.HttpClientName,
            CredentialServiceCollectionExtensions.LocalTokenFile("mcp-ticketing", "servicenow-refresh-token"), ServiceNowOptions.DefaultScopes,
            options => ServiceNowOptions.DefaultEndpoints(options, instance)));
        services.AddBackendHttpClient(ServiceNowGateway.HttpClientName, configuration.GetSection("ServiceNow:Http"), "Ticketing", version);
        services.AddSingleton(sp =>
        {
            ServiceNowOptions options = sp.GetRequiredService<ServiceNowOptions>();
            AuditContext audit = sp.GetRequiredService<AuditContext>();
            audit.Downstream = options.InstanceUrl.Host;
            audit.BackendIdentity ??= options.UserName;
            HttpClient http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(ServiceNowGateway.HttpClientName);
            http.BaseAddress = options.InstanceUrl;
            return new ServiceNowGateway(http, options, sp.GetRequiredService<ILogger<ServiceNowGateway>>());
        });
        services.AddBackendCredential(ServiceNowGateway.HttpClientName, sp => sp.GetRequiredService<ServiceNowOptions>() switch
        {
            { OAuth: not null } => sp.GetRequiredService<OAuthCredential>(),
            { UserName: { } user, Password: { } password } => new BasicCredential(user, password, "ServiceNow"),
            _ => null,
        });
        services.AddSingleton<IServerCheck, ServiceNowServerCheck>();
        return services;
    }

    /// <summary>The <c>snow_*</c> tools, each only when ServiceNow is the provider (read from the configuration: --print-tools needs no ServiceNow settings).</summary>
    public static ToolCatalog AddServiceNowTools(this ToolCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog
            .AddWhen<SearchRecordsTool>(IsServiceNow)
            .AddWhen<GetRecordTool>(IsServiceNow)
            .AddWhen<CountRecordsTool>(IsServiceNow)
            .AddWhen<CreateRecordTool>(IsServiceNow)
            .AddWhen<UpdateRecordTool>(IsServiceNow)
            .AddWhen<AddWorkNoteTool>(IsServiceNow);
    }

    private static readonly Func<IServiceProvider, bool> IsServiceNow = TicketingOptions.Is(TicketingProvider.ServiceNow);
}

/// <summary>Output and parameter types of the <c>snow_*</c> tools.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SearchRecordsTool.Output), TypeInfoPropertyName = "SnowSearchRecordsOutput")]
[JsonSerializable(typeof(GetRecordTool.Output), TypeInfoPropertyName = "SnowGetRecordOutput")]
[JsonSerializable(typeof(CountRecordsTool.Output), TypeInfoPropertyName = "SnowCountRecordsOutput")]
[JsonSerializable(typeof(CreateRecordTool.Output), TypeInfoPropertyName = "SnowCreateRecordOutput")]
[JsonSerializable(typeof(UpdateRecordTool.Output), TypeInfoPropertyName = "SnowUpdateRecordOutput")]
[JsonSerializable(typeof(AddWorkNoteTool.Output), TypeInfoPropertyName = "SnowAddWorkNoteOutput")]
// Parameter types of the tools.
[JsonSerializable(typeof(IReadOnlyList<SnowFilter>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(bool?))]
internal sealed partial class ServiceNowToolJsonContext : JsonSerializerContext;
