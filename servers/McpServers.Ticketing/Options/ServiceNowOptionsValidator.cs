using Microsoft.Extensions.Options;

namespace McpServers.Ticketing.Options;

/// <summary>Start-up checks of <see cref="ServiceNowOptions"/>: every problem names the setting to fix.</summary>
public sealed class ServiceNowOptionsValidator : IValidateOptions<ServiceNowOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceNowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.InstanceUrl is null)
        {
            problems.Add("ServiceNow:InstanceUrl (or SERVICENOW_INSTANCE_URL) is required, e.g. https://acme.service-now.com.");
        }
        else if (!options.InstanceUrl.IsAbsoluteUri || options.InstanceUrl.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(options.InstanceUrl.UserInfo) || !string.IsNullOrEmpty(options.InstanceUrl.Query))
        {
            problems.Add("ServiceNow:InstanceUrl must be an absolute http(s) URL without credentials or query, e.g. https://acme.service-now.com.");
        }

        if (options.OAuth is { } oauth)
        {
            problems.AddRange(oauth.Problems(ServiceNowOptions.OAuthSection, userSignIn: true));
            if (options.Password is not null)
            {
                problems.Add($"ServiceNow:OAuth:ClientId is set: remove {ServiceNowOptions.PasswordEnvironment}, or remove the OAuth settings.");
            }
        }
        else if (options.UserName is null || options.Password is null)
        {
            problems.Add($"No ServiceNow credentials: set SERVICENOW_USERNAME and {ServiceNowOptions.PasswordEnvironment} (an integration user), or ServiceNow:OAuth:* for sign-in with mcp-ticketing login.");
        }

        if (options.Tables.Count == 0)
        {
            problems.Add("ServiceNow:Tables must name at least one table, e.g. incident,problem.");
        }

        CheckTables(options.Tables, "ServiceNow:Tables", problems);
        CheckTables(options.ReadOnlyTables, "ServiceNow:ReadOnlyTables", problems);
        CheckTables(options.CreateTables, "ServiceNow:CreateTables", problems);
        foreach (string table in options.CreateTables.Where(t => !options.Tables.Contains(t, StringComparer.Ordinal)))
        {
            problems.Add($"ServiceNow:CreateTables names '{table}', which is not in ServiceNow:Tables.");
        }

        foreach ((string table, string list) in options.Fields.Concat(options.WritableFields))
        {
            if (!options.Tables.Contains(table, StringComparer.Ordinal))
            {
                problems.Add($"ServiceNow:Fields / ServiceNow:WritableFields name table '{table}', which is not in ServiceNow:Tables.");
            }

            foreach (string field in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(f => !ServiceNowOptions.NamePattern().IsMatch(f)))
            {
                problems.Add($"ServiceNow field '{field}' (table {table}) is not a field name (lower-case letters, digits, underscores; no dot-walking).");
            }
        }

        foreach ((string table, string list) in options.WritableFields)
        {
            if (list.Split(',', StringSplitOptions.TrimEntries).Any(f => f is "work_notes" or "comments" or "sys_id" or "number"))
            {
                problems.Add($"ServiceNow:WritableFields:{table} may not name work_notes, comments, sys_id or number (notes and comments are added by snow_add_work_note).");
            }
        }

        Range(options.MaxResults, nameof(options.MaxResults), 1, 1000, problems);
        Range(options.DefaultMaxResults, nameof(options.DefaultMaxResults), 1, Math.Clamp(options.MaxResults, 1, 1000), problems);
        Range(options.MaxJournalEntries, nameof(options.MaxJournalEntries), 0, 100, problems);
        Range(options.MaxTextChars, nameof(options.MaxTextChars), 200, 1_000_000, problems);
        if (problems.Count > 0)
        {
            problems.Add("Run mcp-ticketing --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Table names only, and never a system table: sys_* tables hold the instance's configuration, scripts and users.</summary>
    private static void CheckTables(IReadOnlyList<string> tables, string setting, List<string> problems)
    {
        foreach (string table in tables)
        {
            if (!ServiceNowOptions.NamePattern().IsMatch(table))
            {
                problems.Add($"{setting}: '{table}' is not a table name (lower-case letters, digits, underscores).");
            }
            else if (table.StartsWith("sys_", StringComparison.Ordinal) || table.StartsWith("v_", StringComparison.Ordinal))
            {
                problems.Add($"{setting}: '{table}' is a system table; system tables are never tool targets.");
            }
        }
    }

    private static void Range(int value, string key, int min, int max, List<string> problems)
    {
        if (value < min || value > max)
        {
            problems.Add($"ServiceNow:{key} must be a whole number from {min} to {max}.");
        }
    }
}
