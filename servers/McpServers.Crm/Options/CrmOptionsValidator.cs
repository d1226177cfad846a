using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Crm.Options;

/// <summary>Start-up checks of <see cref="CrmOptions"/>: every problem names the setting (<c>Crm:Key</c>, or its environment name) to fix.</summary>
public sealed class CrmOptionsValidator : IValidateOptions<CrmOptions>
{
    /// <summary>The most records one search page can ever hold (HubSpot's search pages stop at 200).</summary>
    public const int PageCeiling = 200;

    public ValidateOptionsResult Validate(string? name, CrmOptions options)
    {
        IReadOnlyList<string> problems = Check(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IReadOnlyList<string> Check(CrmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.Provider is null)
        {
            problems.Add("CRM_PROVIDER (Crm:Provider) is required: Salesforce or HubSpot.");
        }

        Range(options.MaxResults, nameof(options.MaxResults), 1, PageCeiling, problems);
        Range(options.DefaultMaxResults, nameof(options.DefaultMaxResults), 1, Math.Clamp(options.MaxResults, 1, PageCeiling), problems);
        Range(options.MaxTextChars, nameof(options.MaxTextChars), 200, 1_000_000, problems);
        Range(options.MaxRankingScan, nameof(options.MaxRankingScan), 1, 10_000, problems);
        if (options.FiscalYearStartMonth is { } month)
        {
            Range(month, nameof(options.FiscalYearStartMonth), 1, 12, problems);
        }

        // A share is a fraction of the provider's daily limit; warning must come before (or with) refusing.
        if (!(options.WarnAtUsageShare > 0 && options.WarnAtUsageShare <= options.RefuseAtUsageShare && options.RefuseAtUsageShare <= 1))
        {
            problems.Add($"Crm:WarnAtUsageShare ({options.WarnAtUsageShare}) and Crm:RefuseAtUsageShare ({options.RefuseAtUsageShare}) must satisfy 0 < WarnAtUsageShare <= RefuseAtUsageShare <= 1, e.g. 0.8 and 0.95.");
        }

        if (!string.IsNullOrWhiteSpace(options.TimeZone))
        {
            try
            {
                TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                problems.Add($"Crm:TimeZone '{options.TimeZone}' is not a time zone known to this machine; use an IANA id such as Europe/Berlin or America/New_York.");
            }
        }

        if (problems.Count > 0)
        {
            problems.Add("Run mcp-crm --help for the settings.");
        }

        return problems;
    }

    private static void Range(int value, string key, int min, int max, List<string> problems)
    {
        if (value < min || value > max)
        {
            problems.Add($"Crm:{key} must be a whole number from {min} to {max}.");
        }
    }
}

public static class CrmOptionsServiceCollectionExtensions
{
    /// <summary>Section <c>Crm</c> into <see cref="CrmOptions"/>, checked at start.</summary>
    public static IServiceCollection AddCrmOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection crm = configuration.GetSection(CrmOptions.Section);
        services.AddSettings<CrmOptions>(configuration, CrmOptions.Section, new CrmOptionsValidator()).Bind(crm)
            .PostConfigure(o =>
            {
                // An administrator who lowers only the cap gets a default that fits under it.
                if (string.IsNullOrWhiteSpace(crm[nameof(CrmOptions.DefaultMaxResults)]))
                {
                    o.DefaultMaxResults = Math.Min(o.DefaultMaxResults, o.MaxResults);
                }
            });
        return services;
    }
}
