using System.Text.RegularExpressions;
using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Options;

/// <summary>
/// The ServiceNow provider's settings, under <c>ServiceNow:</c> (environment <c>MCP_TICKETING__ServiceNow__Tables</c>, or
/// the vendor names <c>SERVICENOW_INSTANCE_URL</c>, <c>SERVICENOW_USERNAME</c>, <c>SERVICENOW_PASSWORD</c>), checked at
/// start by <see cref="ServiceNowOptionsValidator"/>.
/// </summary>
public sealed partial record ServiceNowOptions
{
    public const string Section = "ServiceNow";
    public const string OAuthSection = "ServiceNow:OAuth";
    public const string PasswordEnvironment = "SERVICENOW_PASSWORD";
    public const string DefaultScopes = "useraccount";

    /// <summary>Tables the tools may use when the administrator names none.</summary>
    public static readonly IReadOnlyList<string> DefaultTables = ["incident", "problem", "change_request", "sc_req_item", "kb_knowledge"];

    /// <summary>Fields each default table shows (sys_id and number are always read).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultFields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["incident"] = ["short_description", "description", "state", "priority", "urgency", "impact", "category", "assignment_group", "assigned_to", "caller_id", "opened_at", "sys_updated_on", "resolved_at", "close_code", "active"],
        ["problem"] = ["short_description", "description", "state", "priority", "assignment_group", "assigned_to", "opened_at", "sys_updated_on", "active"],
        ["change_request"] = ["short_description", "description", "state", "type", "risk", "priority", "assignment_group", "assigned_to", "start_date", "end_date", "sys_updated_on", "active"],
        ["sc_req_item"] = ["short_description", "description", "state", "stage", "cat_item", "requested_for", "assignment_group", "assigned_to", "opened_at", "sys_updated_on", "active"],
        ["kb_knowledge"] = ["short_description", "text", "workflow_state", "kb_knowledge_base", "kb_category", "author", "sys_updated_on"],
    };

    /// <summary>Fields the write tools may set in each default table; kb_knowledge is read-only.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultWritableFields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["incident"] = ["short_description", "description", "urgency", "impact", "category", "assignment_group", "assigned_to", "state", "caller_id", "close_code", "close_notes"],
        ["problem"] = ["short_description", "description", "assignment_group", "assigned_to", "state"],
        ["change_request"] = ["short_description", "description", "assignment_group", "assigned_to"],
        ["sc_req_item"] = ["short_description", "description", "assignment_group", "assigned_to", "state"],
    };

    /// <summary>Required: the instance, e.g. https://acme.service-now.com.</summary>
    public Uri InstanceUrl { get; set; } = null!;

    /// <summary>Basic auth: an integration user (with <see cref="Password"/>).</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>OAuth 2.0 with PKCE as the signed-in user (<c>mcp-ticketing login</c>); read by the shared sign-in, null unless a client id is set.</summary>
    internal OAuthClientOptions? OAuth { get; set; }

    /// <summary>Tables the tools may use (never a <c>sys_*</c> table).</summary>
    public IReadOnlyList<string> Tables { get; set; } = DefaultTables;

    /// <summary>Tables the tools only read.</summary>
    public IReadOnlyList<string> ReadOnlyTables { get; set; } = ["kb_knowledge"];

    /// <summary>Tables snow_create_record may create records in.</summary>
    public IReadOnlyList<string> CreateTables { get; set; } = ["incident"];

    /// <summary>Per table, the fields the tools read and filter on (comma-separated); unset: <see cref="DefaultFields"/>.</summary>
    public Dictionary<string, string> Fields { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per table, the fields the write tools may set (comma-separated); unset: <see cref="DefaultWritableFields"/>.</summary>
    public Dictionary<string, string> WritableFields { get; set; } = new(StringComparer.Ordinal);

    public int DefaultMaxResults { get; set; } = 25;

    public int MaxResults { get; set; } = 100;

    /// <summary>Newest work notes and comments snow_get_record returns at most.</summary>
    public int MaxJournalEntries { get; set; } = 20;

    /// <summary>Field values and journal entries longer than this are cut.</summary>
    public int MaxTextChars { get; set; } = 20_000;

    public string AuthDescription => OAuth is not null ? "OAuth sign-in" : "basic auth";

    /// <summary>The settings that hold the credentials, named in "fix this" messages.</summary>
    public string CredentialSettings => OAuth is not null
        ? "the OAuth sign-in (run mcp-ticketing login)"
        : $"SERVICENOW_USERNAME / {PasswordEnvironment} (ServiceNow:UserName, ServiceNow:Password)";

    /// <summary>The fields the tools read in <paramref name="table"/> (configured, else the defaults, else only number), sys_id and number first.</summary>
    public IReadOnlyList<string> ReadableFields(string table) =>
        ["sys_id", "number", .. Listed(Fields, table, DefaultFields).Where(f => f is not "sys_id" and not "number")];

    public IReadOnlyList<string> Writable(string table) =>
        ReadOnlyTables.Contains(table, StringComparer.Ordinal) ? [] : Listed(WritableFields, table, DefaultWritableFields);

    private static IReadOnlyList<string> Listed(Dictionary<string, string> configured, string table, IReadOnlyDictionary<string, IReadOnlyList<string>> defaults) =>
        configured.TryGetValue(table, out string? list)
            ? [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)]
            : defaults.TryGetValue(table, out IReadOnlyList<string>? fields) ? fields : [];

    /// <summary>Never prints a credential.</summary>
    public override string ToString() =>
        $"ServiceNowOptions {{ InstanceUrl = {InstanceUrl}, Auth = {AuthDescription}, Tables = [{string.Join(", ", Tables)}], MaxResults = {MaxResults} }}";

    internal void Complete(IConfiguration section)
    {
        UserName = JiraOptions.Blank(UserName);
        Password = string.IsNullOrEmpty(Password) ? null : Password;
        Tables = SettingList.Parse(section, nameof(Tables)) ?? Tables;
        ReadOnlyTables = SettingList.Parse(section, nameof(ReadOnlyTables)) ?? ReadOnlyTables;
        CreateTables = SettingList.Parse(section, nameof(CreateTables)) ?? CreateTables;
        if (InstanceUrl is { IsAbsoluteUri: true } && !InstanceUrl.AbsolutePath.EndsWith('/'))
        {
            InstanceUrl = new Uri(InstanceUrl.OriginalString.TrimEnd('/') + "/");
        }

        OAuth = OAuthClientOptions.From(section.GetSection(nameof(OAuth))) is { IsConfigured: true } configured ? configured : null;
        if (OAuth is not null)
        {
            DefaultEndpoints(OAuth, InstanceUrl);
        }

        if (string.IsNullOrWhiteSpace(section[nameof(DefaultMaxResults)]))
        {
            DefaultMaxResults = Math.Min(DefaultMaxResults, MaxResults);
        }
    }

    /// <summary>ServiceNow's own OAuth endpoints on the instance, unless the administrator names others.</summary>
    internal static void DefaultEndpoints(OAuthClientOptions oauth, Uri? instance)
    {
        if (instance is not { IsAbsoluteUri: true })
        {
            return;
        }

        string root = instance.AbsoluteUri.TrimEnd('/') + "/";
        oauth.AuthorizationEndpoint ??= root + "oauth_auth.do";
        oauth.TokenEndpoint ??= root + "oauth_token.do";
        oauth.RevocationEndpoint ??= root + "oauth_revoke_token.do";
    }

    /// <summary>A table or field name as ServiceNow spells them: lower case letters, digits and underscores.</summary>
    [GeneratedRegex("^[a-z][a-z0-9_]{0,79}$")]
    internal static partial Regex NamePattern();
}

public static class ServiceNowOptionsServiceCollectionExtensions
{
    public static IServiceCollection AddServiceNowOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(ServiceNowOptions.Section);
        services.AddSettings<ServiceNowOptions>(configuration, ServiceNowOptions.Section, new ServiceNowOptionsValidator()).Bind(section)
            .PostConfigure(o => o.Complete(section));
        return services;
    }
}
