using System.Text.RegularExpressions;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// The Salesforce provider's query and write settings, under <c>Salesforce:</c> (the address and credentials are
/// <see cref="SalesforceAuth"/>'s). The allowlists are API names; every query and write uses only fields that are both
/// on the allowlist and in the org's describe for the user, so an administrator can only narrow what Salesforce allows.
/// </summary>
public sealed partial record SalesforceOptions
{
    public const string Section = "Salesforce";
    public const string DefaultApiVersion = "v62.0";

    /// <summary>The REST API version in every path, <c>/services/data/{ApiVersion}/</c>.</summary>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>The objects the server may read (Account, Contact, Opportunity, Task, Event); others are never queried.</summary>
    public IReadOnlyList<string> Objects { get; set; } = [.. SalesforceObjects.All];

    public IReadOnlyList<string> AccountFields { get; set; } =
        ["Id", "Name", "Industry", "Type", "BillingCity", "BillingCountry", "AnnualRevenue", "NumberOfEmployees", "Phone", "Website", "OwnerId",
         "CurrencyIsoCode", "LastActivityDate", "CreatedDate"];

    public IReadOnlyList<string> ContactFields { get; set; } =
        ["Id", "Name", "FirstName", "LastName", "Title", "Email", "Phone", "AccountId", "OwnerId", "Department"];

    public IReadOnlyList<string> OpportunityFields { get; set; } =
        ["Id", "Name", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon", "AccountId", "OwnerId", "Probability", "NextStep", "Type",
         "ForecastCategoryName", "CurrencyIsoCode"];

    public IReadOnlyList<string> TaskFields { get; set; } =
        ["Id", "Subject", "Status", "ActivityDate", "TaskSubtype", "Description", "WhatId", "WhoId", "OwnerId", "CreatedDate", "Priority"];

    public IReadOnlyList<string> EventFields { get; set; } =
        ["Id", "Subject", "StartDateTime", "EndDateTime", "DurationInMinutes", "Description", "WhatId", "WhoId", "OwnerId", "CreatedDate"];

    /// <summary>Fields crm_create_record / crm_update_record may set on accounts (none unless an administrator adds some).</summary>
    public IReadOnlyList<string> AccountWriteFields { get; set; } = [];

    public IReadOnlyList<string> ContactWriteFields { get; set; } = ["FirstName", "LastName", "Email", "Title", "Phone", "AccountId"];

    public IReadOnlyList<string> OpportunityWriteFields { get; set; } = ["StageName", "NextStep", "CloseDate", "Amount"];

    /// <summary>The read allowlist of <paramref name="objectName"/> (an API name of <see cref="SalesforceObjects.All"/>).</summary>
    internal IReadOnlyList<string> FieldsOf(string objectName) => objectName switch
    {
        SalesforceObjects.Account => AccountFields,
        SalesforceObjects.Contact => ContactFields,
        SalesforceObjects.Opportunity => OpportunityFields,
        SalesforceObjects.Task => TaskFields,
        SalesforceObjects.Event => EventFields,
        _ => [],
    };

    internal IReadOnlyList<string> WriteFieldsOf(string objectName) => objectName switch
    {
        SalesforceObjects.Account => AccountWriteFields,
        SalesforceObjects.Contact => ContactWriteFields,
        SalesforceObjects.Opportunity => OpportunityWriteFields,
        _ => [],
    };

    /// <summary>After binding: the lists as <see cref="SettingList"/> reads them (comma-separated or JSON arrays).</summary>
    internal void Complete(IConfiguration section)
    {
        ApiVersion = ApiVersion.Trim();
        Objects = SettingList.Parse(section, nameof(Objects)) ?? Objects;
        AccountFields = SettingList.Parse(section, nameof(AccountFields)) ?? AccountFields;
        ContactFields = SettingList.Parse(section, nameof(ContactFields)) ?? ContactFields;
        OpportunityFields = SettingList.Parse(section, nameof(OpportunityFields)) ?? OpportunityFields;
        TaskFields = SettingList.Parse(section, nameof(TaskFields)) ?? TaskFields;
        EventFields = SettingList.Parse(section, nameof(EventFields)) ?? EventFields;
        AccountWriteFields = SettingList.Parse(section, nameof(AccountWriteFields)) ?? AccountWriteFields;
        ContactWriteFields = SettingList.Parse(section, nameof(ContactWriteFields)) ?? ContactWriteFields;
        OpportunityWriteFields = SettingList.Parse(section, nameof(OpportunityWriteFields)) ?? OpportunityWriteFields;
    }

    [GeneratedRegex(@"^v[1-9][0-9]{1,2}\.0$")]
    internal static partial Regex ApiVersionPattern();

    /// <summary>An API name as Salesforce writes them: letters, digits, underscores (custom: <c>Region__c</c>).</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,79}$")]
    internal static partial Regex ApiNamePattern();
}

/// <summary>The Salesforce objects this provider knows, by API name.</summary>
internal static class SalesforceObjects
{
    public const string Account = "Account";
    public const string Contact = "Contact";
    public const string Opportunity = "Opportunity";
    public const string Task = "Task";
    public const string Event = "Event";

    public static readonly string[] All = [Account, Contact, Opportunity, Task, Event];

    public static string Of(CrmObjectKind kind) => kind switch
    {
        CrmObjectKind.Account => Account,
        CrmObjectKind.Contact => Contact,
        CrmObjectKind.Opportunity => Opportunity,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>Start-up checks of <see cref="SalesforceOptions"/>: each problem names its <c>Salesforce:Key</c>.</summary>
public sealed class SalesforceOptionsValidator : IValidateOptions<SalesforceOptions>
{
    public ValidateOptionsResult Validate(string? name, SalesforceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!SalesforceOptions.ApiVersionPattern().IsMatch(options.ApiVersion))
        {
            problems.Add($"Salesforce:ApiVersion must look like {SalesforceOptions.DefaultApiVersion} (a 'v', the major version, '.0').");
        }

        foreach (string o in options.Objects.Where(o => !SalesforceObjects.All.Contains(o, StringComparer.Ordinal)))
        {
            problems.Add($"Salesforce:Objects: '{o}' is not one this server reads; use some of {string.Join(", ", SalesforceObjects.All)}.");
        }

        foreach (string objectName in SalesforceObjects.All)
        {
            BadNames($"{objectName}Fields", options.FieldsOf(objectName), problems);
            BadNames($"{objectName}WriteFields", options.WriteFieldsOf(objectName), problems);
        }

        if (problems.Count > 0)
        {
            problems.Add("Run mcp-crm --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void BadNames(string key, IReadOnlyList<string> fields, List<string> problems)
    {
        foreach (string field in fields.Where(f => !SalesforceOptions.ApiNamePattern().IsMatch(f)))
        {
            problems.Add($"Salesforce:{key}: '{field}' is not a Salesforce field API name (letters, digits and underscores, e.g. Industry or Region__c).");
        }
    }
}

public static class SalesforceOptionsServiceCollectionExtensions
{
    /// <summary>Section <c>Salesforce</c> into <see cref="SalesforceOptions"/>, checked at start.</summary>
    public static IServiceCollection AddSalesforceOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(SalesforceOptions.Section);
        services.AddSettings<SalesforceOptions>(configuration, SalesforceOptions.Section, new SalesforceOptionsValidator()).Bind(section)
            .PostConfigure(o => o.Complete(section));
        return services;
    }
}
