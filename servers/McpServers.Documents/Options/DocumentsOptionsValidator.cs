using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Documents.Options;

/// <summary>Start-up checks of <see cref="DocumentsOptions"/>: every problem names the <c>Documents:Key</c> to fix.</summary>
public sealed class DocumentsOptionsValidator : IValidateOptions<DocumentsOptions>
{
    public ValidateOptionsResult Validate(string? name, DocumentsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Range(options.MaxResults, nameof(options.MaxResults), 1, 1000, problems);
        Range(options.DefaultMaxResults, nameof(options.DefaultMaxResults), 1, Math.Clamp(options.MaxResults, 1, 1000), problems);
        Range(options.MaxCharsPerCall, nameof(options.MaxCharsPerCall), 500, 1_000_000, problems);
        Range(options.MaxDocumentChars, nameof(options.MaxDocumentChars), 1000, 100_000_000, problems);
        Range(options.MaxFileBytes, nameof(options.MaxFileBytes), 1024, 10L << 30, problems);
        Range(options.MaxPages, nameof(options.MaxPages), 1, 100_000, problems);
        Range(options.MaxZipEntryBytes, nameof(options.MaxZipEntryBytes), 1024, 10L << 30, problems);
        if (!string.IsNullOrWhiteSpace(options.TimeZone))
        {
            try
            {
                _ = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                problems.Add($"Documents:TimeZone '{options.TimeZone}' is not a time zone known to this machine; use an IANA id such as Europe/Berlin.");
            }
        }

        if (problems.Count > 0)
        {
            problems.Add("Run mcp-documents --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Range(long value, string key, long min, long max, List<string> problems)
    {
        if (value < min || value > max)
        {
            problems.Add($"{DocumentsOptions.Section}:{key} must be a whole number from {min} to {max}.");
        }
    }
}

public static class DocumentsOptionsServiceCollectionExtensions
{
    /// <summary>Section <c>Documents</c> into <see cref="DocumentsOptions"/>, checked at start; the sources read their caps from it.</summary>
    public static IServiceCollection AddDocumentsOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSettings<DocumentsOptions>(configuration, DocumentsOptions.Section, new DocumentsOptionsValidator())
            .Bind(configuration.GetSection(DocumentsOptions.Section));
        return services;
    }
}
