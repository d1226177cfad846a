using System.Globalization;
using McpServers.Shared.Errors;

namespace McpServers.Shared.Text;

/// <summary>A period as local dates of <see cref="TimeZone"/>: from <see cref="Start"/> up to, not including, <see cref="End"/>.</summary>
public sealed record ResolvedPeriod(string Name, DateOnly Start, DateOnly End, TimeZoneInfo TimeZone);

/// <summary>
/// The suite's period convention (DESIGN §4): <c>2026-Q4</c>, <c>2026-11</c>, <c>2026</c>, or a relative word
/// computed here from the server's clock. Quarters and years are fiscal when the fiscal year starts in a month other
/// than January; a fiscal year is named by the calendar year it starts in (start month 4: 2026-Q1 is April–June 2026).
/// </summary>
public static class PeriodText
{
    /// <summary>The advertised pattern; <see cref="Resolve"/> accepts exactly these.</summary>
    public const string Pattern = "^(this_month|last_month|this_quarter|last_quarter|this_year|last_year|[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?)$";

    /// <summary>Today's date in <paramref name="zone"/>, by <paramref name="time"/> (the server's clock; tests pass a fixed one).</summary>
    public static DateOnly Today(TimeProvider time, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(time);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
    }

    /// <summary>The configured IANA time zone, or the operating system's when <paramref name="id"/> is blank.</summary>
    public static TimeZoneInfo Zone(string? id) =>
        string.IsNullOrWhiteSpace(id) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(id);

    /// <summary>What a result says it used, so a relative word (this_quarter) is never left for the model to guess.</summary>
    public static string Describe(ResolvedPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return string.Create(CultureInfo.InvariantCulture,
            $"{period.Name}: {period.Start:yyyy-MM-dd} to {period.End.AddDays(-1):yyyy-MM-dd} inclusive, time zone {period.TimeZone.Id}");
    }

    public static ResolvedPeriod Resolve(string text, DateOnly today, int fiscalStartMonth, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(zone);
        DateOnly thisMonth = new(today.Year, today.Month, 1);
        DateOnly thisYear = FiscalYearStart(today, fiscalStartMonth);
        DateOnly thisQuarter = thisYear.AddMonths((MonthsBetween(thisYear, thisMonth) / 3) * 3);
        switch (text)
        {
            case "this_month":
                return Month(thisMonth, zone);
            case "last_month":
                return Month(thisMonth.AddMonths(-1), zone);
            case "this_quarter":
                return Quarter(thisQuarter, fiscalStartMonth, zone);
            case "last_quarter":
                return Quarter(thisQuarter.AddMonths(-3), fiscalStartMonth, zone);
            case "this_year":
                return Year(thisYear, zone);
            case "last_year":
                return Year(thisYear.AddYears(-1), zone);
        }

        if (text.Length >= 4 && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out int year) && year is >= 1 and <= 9998)
        {
            DateOnly fiscalYear = new(year, fiscalStartMonth, 1);
            if (text.Length == 4)
            {
                return Year(fiscalYear, zone);
            }

            if (text.Length == 7 && text[4] == '-' && text[5] == 'Q' && text[6] is >= '1' and <= '4')
            {
                return Quarter(fiscalYear.AddMonths((text[6] - '1') * 3), fiscalStartMonth, zone);
            }

            if (text.Length == 7 && text[4] == '-' && int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int month) && month is >= 1 and <= 12)
            {
                return Month(new DateOnly(year, month, 1), zone);
            }
        }

        throw new ToolInputException(
            $"`period` `{TextHygiene.CleanAndTruncate(text, 64)}` is not a period. Use this_month, last_month, this_quarter, last_quarter, this_year, last_year, a quarter like 2026-Q4, a month like 2026-11, or a year like 2026.");
    }

    private static DateOnly FiscalYearStart(DateOnly day, int fiscalStartMonth) =>
        new(day.Month >= fiscalStartMonth ? day.Year : day.Year - 1, fiscalStartMonth, 1);

    private static int MonthsBetween(DateOnly from, DateOnly to) => ((to.Year - from.Year) * 12) + to.Month - from.Month;

    private static ResolvedPeriod Month(DateOnly start, TimeZoneInfo zone) =>
        new(start.ToString("yyyy-MM", CultureInfo.InvariantCulture), start, start.AddMonths(1), zone);

    private static ResolvedPeriod Quarter(DateOnly start, int fiscalStartMonth, TimeZoneInfo zone)
    {
        DateOnly year = FiscalYearStart(start, fiscalStartMonth);
        int quarter = (MonthsBetween(year, start) / 3) + 1;
        return new(string.Create(CultureInfo.InvariantCulture, $"{year.Year:D4}-Q{quarter}"), start, start.AddMonths(3), zone);
    }

    private static ResolvedPeriod Year(DateOnly start, TimeZoneInfo zone) =>
        new(start.Year.ToString("D4", CultureInfo.InvariantCulture), start, start.AddYears(1), zone);
}
