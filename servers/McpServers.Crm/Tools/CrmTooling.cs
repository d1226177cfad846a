using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpServers.Crm.Backend;
using McpServers.Crm.Options;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace McpServers.Crm.Tools;

/// <summary>
/// What every CRM tool does the same way: page sizes under the administrator's caps, periods by the suite's convention
/// (fiscal start month: Crm:FiscalYearStartMonth, else the CRM's own, else January; Crm:TimeZone, else the OS's), and
/// the API-usage warning in the result and the audit line. A singleton: it holds no per-call state.
/// </summary>
public sealed partial class CrmTooling(ICrmGateway gateway, CrmOptions options, TimeProvider time, ILogger<CrmTooling> logger)
{
    /// <summary>A record id as the tools accept it; the gateway checks the provider's exact shape (Salesforce 15/18, HubSpot digits).</summary>
    public const string IdPattern = "^[A-Za-z0-9]{1,32}$";

    /// <summary><c>me</c> (the signed-in user) or a user/owner id.</summary>
    public const string OwnerPattern = "^(me|[A-Za-z0-9]{1,32})$";

    /// <summary>Filter text is one line: a line break or NUL has no business in a name, and the query builders refuse them anyway.</summary>
    public const string SingleLinePattern = "^[^\\r\\n\\x00]*$";

    public const string DatePattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

    /// <summary>Most items any list parameter takes (advertised as maxItems).</summary>
    public const int MaxListItems = 20;

    /// <summary>Most fields one write may set.</summary>
    public const int MaxWriteFields = 50;

    // [MaxLength] on a list is only read for its number (the advertised maxItems, enforced by the shared validator);
    // its reflection-based IsValid, the part trimming could break, is never called.
    public const string MaxLengthJustification = "Only the attribute's Length is read, to advertise maxItems; DataAnnotations validation is never run.";

    public string Provider => gateway.Provider;

    /// <summary>The page size: the model's ask, else Crm:DefaultMaxResults, never above Crm:MaxResults.</summary>
    public int PageSize(int? requested) => Math.Min(requested ?? options.DefaultMaxResults, options.MaxResults);

    /// <summary>A period word or name resolved on the server's clock, in the configured time zone.</summary>
    public async Task<ResolvedPeriod> ResolvePeriodAsync(string text, CancellationToken cancellationToken)
    {
        TimeZoneInfo zone = PeriodText.Zone(options.TimeZone);
        int? crm = options.FiscalYearStartMonth is null ? await gateway.FiscalYearStartMonthAsync(cancellationToken) : null;
        int month = options.FiscalYearStartMonth ?? crm ?? 1;
        Log.PeriodConvention(logger, month, options.FiscalYearStartMonth is not null ? "Crm:FiscalYearStartMonth" : crm is not null ? "the CRM's fiscal settings" : "calendar", zone.Id);
        return PeriodText.Resolve(text, PeriodText.Today(time, zone), month, zone);
    }

    /// <summary>
    /// Past Crm:WarnAtUsageShare of the provider's daily API limit: a warning for the result, also written as the reason
    /// of this call's audit line. Null below it, or before the provider has said.
    /// </summary>
    public string? UsageWarning(MessageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (gateway.Usage is not { } usage || usage.Share < options.WarnAtUsageShare)
        {
            return null;
        }

        Log.UsageHigh(logger, gateway.Provider, usage.Used, usage.Limit);
        string share = Percent(usage.Share);
        CallState.Of(context).Set(AuditOutcome.Ok, $"API usage warning: {share} of the daily limit");
        return string.Create(CultureInfo.InvariantCulture,
            $"{gateway.Provider} API usage is at {share} of the daily limit ({usage.Used} of {usage.Limit} calls). At {Percent(options.RefuseAtUsageShare)} searches, rankings and writes are refused until the limit resets; prefer fewer, narrower calls.");
    }

    private static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(share * 100):0}%");

    /// <summary>The truncation notice of a page: more behind a cursor, or a provider ceiling that no cursor passes.</summary>
    public static string? Notice<T>(RecordPage<T> page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.NextCursor is not null ? Truncation.Cut(page.Records.Count, page.Total, page.NextCursor, $"page size {page.PageSize}").Notice()
            : page.Ceiling is { } ceiling ? Truncation.Cut(page.Records.Count, page.Total, null, ceiling).Notice()
            : null;
    }

    /// <summary>
    /// A page as the model reads it: an optional header line, one line per record, then how many, from which CRM, the
    /// truncation notice and cursor, and the usage warning. Returns the notice too, for the structured content.
    /// </summary>
    public static (string Text, string? Notice) Render<T>(RecordPage<T> page, string noun, string provider, Func<T, string> line,
        string? warning, string? header = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(line);
        string? notice = Notice(page);
        var text = new StringBuilder();
        if (header is not null)
        {
            text.Append(header).Append('\n');
        }

        foreach (T record in page.Records)
        {
            text.Append(line(record)).Append('\n');
        }

        AppendFooter(text, page.Records.Count, noun, provider, notice, page.NextCursor, warning);
        return (text.ToString(), notice);
    }

    /// <summary>The closing lines of a list: how many, from which CRM, the truncation notice and cursor, the usage warning.</summary>
    private static void AppendFooter(StringBuilder text, int count, string noun, string provider, string? notice, string? cursor, string? warning)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Append(count == 0 ? $"No {noun}s match" : string.Create(CultureInfo.InvariantCulture, $"({count} {noun}{(count == 1 ? "" : "s")}"))
            .Append(count == 0 ? $" in {provider}." : $", {provider})");
        if (notice is not null)
        {
            text.Append(' ').Append(notice);
            if (cursor is not null)
            {
                text.Append("\nnext_cursor: ").Append(cursor);
            }
        }

        AppendWarning(text, warning);
    }

    public static void AppendWarning(StringBuilder text, string? warning)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (warning is not null)
        {
            text.Append("\nWarning: ").Append(warning);
        }
    }

    /// <summary>An amount with its currency, invariant: <c>1,250,000 USD</c>.</summary>
    public static string Amount(Money? money) => money is null ? "no amount"
        : $"{money.Amount.ToString("#,0.##", CultureInfo.InvariantCulture)} {money.Currency}".TrimEnd();

    /// <summary>Backend text on one line of a compact listing (the gateway has already cleaned it).</summary>
    public static string Line(string? text) => text is null ? "-" : text.ReplaceLineEndings(" ");

    public static DateOnly? Date(string? text, string parameterName) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date) ? date
        : throw new ToolInputException($"`{parameterName}` must be a real calendar date like 2026-07-01.");

    public static AmountRange? Range(decimal? min, decimal? max, string minName, string maxName) =>
        min is null && max is null ? null
        : min > max ? throw new ToolInputException($"`{minName}` must not be greater than `{maxName}`.")
        : new AmountRange(min, max);

    /// <summary>List values: each one line, 1 to 255 characters once invisible characters are gone.</summary>
    public static IReadOnlyList<string> Values(IReadOnlyList<string>? values, string parameterName)
    {
        var clean = new List<string>();
        for (int i = 0; i < (values?.Count ?? 0); i++)
        {
            string value = TextHygiene.Clean(values![i]).Trim();
            if (value.Length is 0 or > 255 || value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new ToolInputException($"`{parameterName}[{i}]` must be one line of 1 to 255 visible characters.");
            }

            clean.Add(value);
        }

        return clean;
    }

    /// <summary>The schema allows only <c>account</c>, <c>contact</c>, <c>opportunity</c>.</summary>
    public static CrmObjectKind ObjectKind(string name) => name switch
    {
        "account" => CrmObjectKind.Account,
        "contact" => CrmObjectKind.Contact,
        "opportunity" => CrmObjectKind.Opportunity,
        _ => throw new ToolInputException("`object_type` must be account, contact or opportunity."),
    };

    /// <summary>
    /// The <c>fields</c> of a write: 1 to <see cref="MaxWriteFields"/> API names shaped like field names. Which fields
    /// may be written, and with which values, is the gateway's to check (allowlist ∩ describe).
    /// </summary>
    public static IReadOnlyDictionary<string, JsonElement> Fields(IReadOnlyDictionary<string, JsonElement>? fields)
    {
        if (fields is null || fields.Count == 0)
        {
            throw new ToolInputException("`fields` must name at least one field, e.g. {\"StageName\": \"Closed Won\"}; crm_describe_object lists the writable ones.");
        }

        if (fields.Count > MaxWriteFields)
        {
            throw new ToolInputException($"`fields` may set at most {MaxWriteFields} fields in one call.");
        }

        return fields.Keys.FirstOrDefault(n => !FieldName().IsMatch(n)) is { } bad
            ? throw new ToolInputException($"`fields`: '{TextHygiene.CleanAndTruncate(bad, 64)}' is not a field API name (letters, digits and underscores, starting with a letter); crm_describe_object lists the fields.")
            : fields;
    }

    /// <summary>A string argument as validated against the schema, or null when absent or null.</summary>
    public static string? Text(IReadOnlyDictionary<string, JsonElement> arguments, string name)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return arguments.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>The <c>fields</c> object of a write's arguments (validated as an object by the schema).</summary>
    public static IReadOnlyDictionary<string, JsonElement> FieldsArgument(IReadOnlyDictionary<string, JsonElement> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return Fields(arguments.TryGetValue("fields", out JsonElement value) && value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal)
            : null);
    }

    /// <summary>The checked fields of a write preview, one line each.</summary>
    public static void AppendFields(StringBuilder text, IReadOnlyList<FieldValue> fields)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fields);
        foreach (FieldValue f in fields)
        {
            text.Append("\n- ").Append(ConfirmationPreview.Value(f.Label)).Append(" (").Append(ConfirmationPreview.Value(f.Name)).Append("): ")
                .Append(ConfirmationPreview.Value(f.Value));
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,79}$")]
    private static partial Regex FieldName();
}

/// <summary>The period a result used, so a relative word (this_quarter) is never left for the model to guess.</summary>
/// <param name="Name">e.g. 2026-Q4.</param>
/// <param name="Start">First day, ISO 8601.</param>
/// <param name="End">Last day included, ISO 8601.</param>
/// <param name="TimeZone">The IANA time zone the days are local to.</param>
public sealed record PeriodUsed(string Name, string Start, string End, string TimeZone)
{
    public static PeriodUsed From(ResolvedPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return new(period.Name, period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            period.End.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), period.TimeZone.Id);
    }
}
