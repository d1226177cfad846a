using System.Globalization;
using McpServers.Shared.Errors;

namespace McpServers.Communication.Slack;

/// <summary>Slack message time stamps ("ts": Unix seconds with six decimals, also the message's id) and the tools' dates.</summary>
public static class SlackTime
{
    /// <summary>A ts as ISO 8601 UTC to the second, e.g. 2026-11-30T09:15:02Z; the ts itself when it is not one.</summary>
    public static string Iso(string? ts)
    {
        if (ts is null || !decimal.TryParse(ts, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds)
            || seconds > 253_402_300_799m)
        {
            return ts ?? "";
        }

        return DateTimeOffset.FromUnixTimeSeconds((long)decimal.Truncate(seconds)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>The ts Slack compares with for a point in time.</summary>
    public static string Ts(DateTimeOffset time) =>
        string.Create(CultureInfo.InvariantCulture, $"{time.ToUnixTimeSeconds()}.{time.UtcDateTime.Ticks % TimeSpan.TicksPerSecond / 10:000000}");

    /// <summary>
    /// An ISO 8601 date (2026-11-30: that day in UTC, its start, or with <paramref name="endOfDay"/> the start of the next
    /// day) or date-time (2026-11-30T09:00:00+01:00; without an offset, UTC). Throws naming the parameter.
    /// </summary>
    public static DateTimeOffset? Parse(string? text, string parameterName, bool endOfDay)
    {
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay ? start.AddDays(1) : start;
        }

        return text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time)
            && time.Year >= 2000
            ? time
            : throw new ToolInputException($"`{parameterName}` must be an ISO 8601 date like 2026-11-30 or a date-time like 2026-11-30T09:00:00Z.");
    }
}
