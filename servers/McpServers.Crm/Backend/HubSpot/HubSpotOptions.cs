using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Crm.Backend.HubSpot;

/// <summary>
/// The HubSpot provider's settings, under <c>HubSpot:</c> (environment <c>MCP_CRM__HubSpot__BaseUrl</c>, or the vendor
/// name <c>HUBSPOT_ACCESS_TOKEN</c>). Bound by the configuration source generator (NativeAOT) and checked at start by
/// <see cref="HubSpotOptionsValidator"/>. The paths are settings because HubSpot is moving its APIs to date-versioned
/// paths (<c>/crm/objects/2026-03</c>); the v3/v4 paths remain documented alongside them.
/// </summary>
public sealed record HubSpotOptions
{
    public const string Section = "HubSpot";
    public const string OAuthSection = "HubSpot:OAuth";
    public const string AccessTokenEnvironment = "HUBSPOT_ACCESS_TOKEN";
    public const string DefaultAuthorizationEndpoint = "https://app.hubspot.com/oauth/authorize";
    public const string DefaultTokenEndpoint = "https://api.hubapi.com/oauth/v1/token";

    /// <summary>HubSpot asks for scopes by name; offline access (the refresh token) comes with every OAuth app install.</summary>
    public const string DefaultScopes = "oauth crm.objects.companies.read crm.objects.contacts.read crm.objects.deals.read " +
        "crm.objects.owners.read crm.objects.contacts.write crm.objects.deals.write crm.objects.companies.write";

    public Uri BaseUrl { get; set; } = new("https://api.hubapi.com/");

    /// <summary>Records: <c>{ObjectsPath}/{type}</c>, <c>/{type}/{id}</c>, <c>/{type}/search</c>, <c>/{type}/batch/read</c>.</summary>
    public string ObjectsPath { get; set; } = "/crm/v3/objects";

    /// <summary>Property definitions: <c>{PropertiesPath}/{type}</c>.</summary>
    public string PropertiesPath { get; set; } = "/crm/v3/properties";

    /// <summary>Association labels (the default type ids): <c>{AssociationsPath}/{from}/{to}/labels</c>.</summary>
    public string AssociationsPath { get; set; } = "/crm/v4/associations";

    /// <summary>Deal pipelines and their stages' <c>isClosed</c>/<c>probability</c>: <c>{PipelinesPath}/deals</c>.</summary>
    public string PipelinesPath { get; set; } = "/crm/v3/pipelines";

    /// <summary>Owners (the signed-in user's owner id): <c>{OwnersPath}/{userId}?idProperty=userId</c>.</summary>
    public string OwnersPath { get; set; } = "/crm/v3/owners";

    /// <summary>The account's portal id, UI domain and currency.</summary>
    public string AccountInfoPath { get; set; } = "/account-info/v3/details";

    /// <summary>OAuth access-token metadata (the signed-in user's id): <c>{TokenInfoPath}/{token}</c>.</summary>
    public string TokenInfoPath { get; set; } = "/oauth/v1/access-tokens";

    /// <summary>For record links; unset: read from the account-info endpoint.</summary>
    public long? PortalId { get; set; }

    /// <summary>Where record links open; unset: the account's <c>uiDomain</c>, else app.hubspot.com.</summary>
    public string? UiDomain { get; set; }

    /// <summary>With a private-app token, the owner id "me" stands for (a private app is no user).</summary>
    public string? OwnerId { get; set; }

    /// <summary>A private-app access token (Bearer).</summary>
    public string? AccessToken { get; set; }

    /// <summary>OAuth sign-in as the user who ran <c>mcp-crm login</c>: read from <c>HubSpot:OAuth</c> by the shared sign-in.</summary>
    internal OAuthClientOptions? OAuth { get; set; }

    /// <summary>HubSpot search: "limited to 10,000 total results for any given query" (a 400 beyond). Not a setting; tests lower it.</summary>
    internal int SearchCeiling { get; set; } = 10_000;

    public IReadOnlyList<string> CompanyProperties { get; set; } = [];
    public IReadOnlyList<string> ContactProperties { get; set; } = [];
    public IReadOnlyList<string> DealProperties { get; set; } = [];
    public IReadOnlyList<string> CallProperties { get; set; } = [];
    public IReadOnlyList<string> NoteProperties { get; set; } = [];
    public IReadOnlyList<string> MeetingProperties { get; set; } = [];
    public IReadOnlyList<string> TaskProperties { get; set; } = [];
    public IReadOnlyList<string> EmailProperties { get; set; } = [];
    public IReadOnlyList<string> CompanyWriteProperties { get; set; } = [];
    public IReadOnlyList<string> ContactWriteProperties { get; set; } = [];
    public IReadOnlyList<string> DealWriteProperties { get; set; } = [];

    internal static readonly string[] DefaultCompanyProperties =
        ["name", "domain", "industry", "type", "country", "city", "annualrevenue", "numberofemployees", "phone", "website",
         "description", "hubspot_owner_id", "lifecyclestage", "createdate", "hs_lastmodifieddate"];

    internal static readonly string[] DefaultContactProperties =
        ["firstname", "lastname", "email", "jobtitle", "phone", "company", "associatedcompanyid", "hubspot_owner_id",
         "lifecyclestage", "createdate", "lastmodifieddate"];

    internal static readonly string[] DefaultDealProperties =
        ["dealname", "dealstage", "pipeline", "amount", "deal_currency_code", "closedate", "hubspot_owner_id", "dealtype",
         "hs_next_step", "description", "createdate", "hs_lastmodifieddate"];

    internal static readonly string[] DefaultCallProperties =
        ["hs_timestamp", "hs_call_title", "hs_call_body", "hs_call_status", "hs_call_direction", "hs_call_duration", "hubspot_owner_id"];

    internal static readonly string[] DefaultNoteProperties = ["hs_timestamp", "hs_note_body", "hubspot_owner_id"];

    internal static readonly string[] DefaultMeetingProperties =
        ["hs_timestamp", "hs_meeting_title", "hs_meeting_body", "hs_meeting_outcome", "hs_meeting_start_time", "hs_meeting_end_time", "hubspot_owner_id"];

    internal static readonly string[] DefaultTaskProperties =
        ["hs_timestamp", "hs_task_subject", "hs_task_body", "hs_task_status", "hs_task_priority", "hubspot_owner_id"];

    internal static readonly string[] DefaultEmailProperties =
        ["hs_timestamp", "hs_email_subject", "hs_email_text", "hs_email_status", "hs_email_direction", "hubspot_owner_id"];

    internal static readonly string[] DefaultContactWriteProperties = ["firstname", "lastname", "email", "jobtitle", "phone"];

    internal static readonly string[] DefaultDealWriteProperties = ["dealstage", "closedate", "amount", "hs_next_step"];

    public string AuthDescription => OAuth is not null ? "OAuth sign-in" : AccessToken is not null ? "private-app token" : "none";

    /// <summary>The settings that hold the credentials, named in "fix this" messages.</summary>
    public string CredentialSettings => OAuth is not null
        ? "the OAuth sign-in (run `mcp-crm login`)"
        : $"{AccessTokenEnvironment} (HubSpot:AccessToken)";

    /// <summary>Never prints a credential.</summary>
    public override string ToString() => $"HubSpotOptions {{ BaseUrl = {BaseUrl}, Auth = {AuthDescription}, PortalId = {PortalId} }}";

    /// <summary>Reads and checks the options as the server does; a <see cref="ConfigurationException"/> names every setting to fix.</summary>
    public static HubSpotOptions FromConfiguration(IConfiguration configuration)
    {
        using ServiceProvider services = new ServiceCollection().AddHubSpotOptions(configuration).BuildServiceProvider();
        return services.GetRequiredService<HubSpotOptions>();
    }

    /// <summary>After binding: trimmed credentials, the lists (defaults where not set), the OAuth sign-in, paths without a trailing slash.</summary>
    internal void Complete(IConfiguration section)
    {
        AccessToken = Blank(AccessToken);
        OwnerId = Blank(OwnerId);
        UiDomain = Blank(UiDomain);
        CompanyProperties = SettingList.Parse(section, nameof(CompanyProperties)) ?? DefaultCompanyProperties;
        ContactProperties = SettingList.Parse(section, nameof(ContactProperties)) ?? DefaultContactProperties;
        DealProperties = SettingList.Parse(section, nameof(DealProperties)) ?? DefaultDealProperties;
        CallProperties = SettingList.Parse(section, nameof(CallProperties)) ?? DefaultCallProperties;
        NoteProperties = SettingList.Parse(section, nameof(NoteProperties)) ?? DefaultNoteProperties;
        MeetingProperties = SettingList.Parse(section, nameof(MeetingProperties)) ?? DefaultMeetingProperties;
        TaskProperties = SettingList.Parse(section, nameof(TaskProperties)) ?? DefaultTaskProperties;
        EmailProperties = SettingList.Parse(section, nameof(EmailProperties)) ?? DefaultEmailProperties;
        CompanyWriteProperties = SettingList.Parse(section, nameof(CompanyWriteProperties)) ?? [];
        ContactWriteProperties = SettingList.Parse(section, nameof(ContactWriteProperties)) ?? DefaultContactWriteProperties;
        DealWriteProperties = SettingList.Parse(section, nameof(DealWriteProperties)) ?? DefaultDealWriteProperties;
        ObjectsPath = Path(ObjectsPath);
        PropertiesPath = Path(PropertiesPath);
        AssociationsPath = Path(AssociationsPath);
        PipelinesPath = Path(PipelinesPath);
        OwnersPath = Path(OwnersPath);
        AccountInfoPath = Path(AccountInfoPath);
        TokenInfoPath = Path(TokenInfoPath);
        OAuth = OAuthClientOptions.From(section.GetSection(nameof(OAuth))) is { IsConfigured: true } configured ? WithDefaults(configured) : null;
    }

    /// <summary>HubSpot's own endpoints unless the administrator names others (the shared sign-in applies the same).</summary>
    internal static OAuthClientOptions WithDefaults(OAuthClientOptions oauth)
    {
        oauth.AuthorizationEndpoint = string.IsNullOrWhiteSpace(oauth.AuthorizationEndpoint) ? DefaultAuthorizationEndpoint : oauth.AuthorizationEndpoint;
        oauth.TokenEndpoint = string.IsNullOrWhiteSpace(oauth.TokenEndpoint) ? DefaultTokenEndpoint : oauth.TokenEndpoint;
        oauth.Scopes = string.IsNullOrWhiteSpace(oauth.Scopes) ? DefaultScopes : oauth.Scopes;
        return oauth;
    }

    private static string Path(string value) => "/" + (value ?? "").Trim().Trim('/');

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Start-up checks of <see cref="HubSpotOptions"/>: every problem names the setting (<c>HubSpot:Key</c>, or its environment name) to fix.</summary>
public sealed class HubSpotOptionsValidator : IValidateOptions<HubSpotOptions>
{
    public ValidateOptionsResult Validate(string? name, HubSpotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.BaseUrl is not { IsAbsoluteUri: true } url || url.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Query))
        {
            problems.Add("HubSpot:BaseUrl must be an absolute http(s) URL without credentials or query, e.g. https://api.hubapi.com.");
        }

        foreach ((string key, string path) in new[]
        {
            ("ObjectsPath", options.ObjectsPath), ("PropertiesPath", options.PropertiesPath), ("AssociationsPath", options.AssociationsPath),
            ("PipelinesPath", options.PipelinesPath), ("OwnersPath", options.OwnersPath), ("AccountInfoPath", options.AccountInfoPath),
            ("TokenInfoPath", options.TokenInfoPath),
        })
        {
            if (path.Length < 2 || !path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.') || path.Contains("..", StringComparison.Ordinal))
            {
                problems.Add($"HubSpot:{key} must be a path such as /crm/v3/objects (letters, digits, '/', '-', '_', '.').");
            }
        }

        if (options.OAuth is { } oauth)
        {
            problems.AddRange(oauth.Problems(HubSpotOptions.OAuthSection, userSignIn: true));
            if (options.AccessToken is not null)
            {
                problems.Add($"HubSpot:OAuth:ClientId is set: remove {HubSpotOptions.AccessTokenEnvironment} (HubSpot:AccessToken), or remove the OAuth settings.");
            }
        }
        else if (options.AccessToken is null)
        {
            problems.Add($"No HubSpot credentials: set {HubSpotOptions.AccessTokenEnvironment} (HubSpot:AccessToken) to a private-app token, or HubSpot:OAuth:ClientId (with HubSpot:OAuth:ClientSecret) for sign-in with `mcp-crm login`.");
        }

        if (options.PortalId is <= 0)
        {
            problems.Add("HubSpot:PortalId must be the account's (hub) id, a positive number.");
        }

        if (options.OwnerId is { } owner && !HubSpotIds.IsId(owner))
        {
            problems.Add("HubSpot:OwnerId must be a numeric owner id (Settings > Users, or GET /crm/v3/owners).");
        }

        if (options.UiDomain is { } domain && Uri.CheckHostName(domain) != UriHostNameType.Dns)
        {
            problems.Add("HubSpot:UiDomain must be a host name such as app.hubspot.com or app-eu1.hubspot.com.");
        }

        foreach ((string key, IReadOnlyList<string> list) in new[]
        {
            (nameof(options.CompanyProperties), options.CompanyProperties), (nameof(options.ContactProperties), options.ContactProperties),
            (nameof(options.DealProperties), options.DealProperties), (nameof(options.CallProperties), options.CallProperties),
            (nameof(options.NoteProperties), options.NoteProperties), (nameof(options.MeetingProperties), options.MeetingProperties),
            (nameof(options.TaskProperties), options.TaskProperties), (nameof(options.EmailProperties), options.EmailProperties),
            (nameof(options.CompanyWriteProperties), options.CompanyWriteProperties),
            (nameof(options.ContactWriteProperties), options.ContactWriteProperties), (nameof(options.DealWriteProperties), options.DealWriteProperties),
        })
        {
            foreach (string property in list.Where(p => !HubSpotIds.IsPropertyName(p)))
            {
                problems.Add($"HubSpot:{key}: '{property}' is not a property name (lower-case letters, digits and underscores).");
            }
        }

        if (problems.Count > 0)
        {
            problems.Add("Run mcp-crm --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

public static class HubSpotOptionsServiceCollectionExtensions
{
    /// <summary>Section <c>HubSpot</c> into <see cref="HubSpotOptions"/>, checked at start (<c>HubSpot:OAuth</c> is the shared sign-in's section).</summary>
    public static IServiceCollection AddHubSpotOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(HubSpotOptions.Section);
        services.AddSettings<HubSpotOptions>(configuration, HubSpotOptions.Section, new HubSpotOptionsValidator()).Bind(section)
            .PostConfigure(o => o.Complete(section));
        return services;
    }
}
