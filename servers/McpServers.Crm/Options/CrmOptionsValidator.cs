using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Crm.Options;

/// <summary>Start-up checks of <see cref="CrmOptions"/>: each problem names its <c>Crm:Key</c>.</summary>
public sealed class CrmOptionsValidator : IValidateOptions<CrmOptions>
{
    public ValidateOptionsResult Validate(string? name, CrmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.Provider is null)
        {
            problems.Add("Crm:Provider (or CRM_PROVIDER) is required: Salesforce or HubSpot.");
        }

        Range(options.MaxResults, nameof(options.MaxResults), 1, 2000, problems);
        Range(options.DefaultMaxResults, nameof(options.DefaultMaxResults), 1, Math.Clamp(options.MaxResults, 1, 2000), problems);
        Range(options.MaxTextChars, nameof(options.MaxTextChars), 200, 1_000_000, problems);
        Range(options.MaxRankingScan, nameof(options.MaxRankingScan), 1, 10_000, problems);
        if (options.FiscalYearStartMonth is { } month)
        {
            Range(month, nameof(options.FiscalYearStartMonth), 1, 12, problems);
        }

        if (options.WarnAtUsageShare is not (> 0 and <= 1) || options.RefuseAtUsageShare is not (> 0 and <= 1)
            || options.WarnAtUsageShare > options.RefuseAtUsageShare)
        {
            problems.Add("Crm:WarnAtUsageShare and Crm:RefuseAtUsageShare must be shares of the daily API limit between 0 and 1, the warning at most the refusal (e.g. 0.8 and 0.95).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
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
        services.AddSettings<CrmOptions>(configuration, CrmOptions.Section, new CrmOptionsValidator()).Bind(configuration.GetSection(CrmOptions.Section));
        return services;
    }
}
