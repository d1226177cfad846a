using System.Globalization;

namespace McpServers.Communication.Calendar.Ical;

/// <summary>
/// The VTIMEZONE (RFC 5545 §3.6.5) of an IANA zone for the years an event touches, generated from .NET's
/// <see cref="TimeZoneInfo"/>: one STANDARD or DAYLIGHT observance per kind of transition with its TZOFFSETFROM,
/// TZOFFSETTO, DTSTART (local time before the transition) and a yearly RRULE (BYMONTH and BYDAY, e.g. the last Sunday
/// of March) when the rule in effect repeats it every year; a single STANDARD observance for a zone without daylight
/// saving time. The transitions are read from the zone's offsets rather than from its adjustment rules, whose form
/// differs by platform (on Unix they are one fixed-date rule per year, on Windows a floating rule).
/// </summary>
internal static class TimeZoneComponent
{
    /// <summary>Writes the VTIMEZONE of <paramref name="zone"/> (TZID <paramref name="tzid"/>) covering local times from <paramref name="first"/> to <paramref name="last"/>.</summary>
    public static void Write(ContentLines lines, TimeZoneInfo zone, string tzid, DateTime first, DateTime last)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(zone);
        // From the year before, so an event early in its year has the observance that began the autumn before.
        int fromYear = first.Year - 1;
        int toYear = last.Year;
        IReadOnlyList<Transition> transitions = Transitions(zone, fromYear, toYear);
        lines.Begin("VTIMEZONE").Property("TZID", tzid);
        if (transitions.Count == 0 || transitions[0].Local.Year > fromYear)
        {
            // No transition before the event's year: the offset that held at the start of the window.
            TimeSpan offset = zone.GetUtcOffset(new DateTime(fromYear, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            Observance(lines, "STANDARD", new DateTime(fromYear, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), offset, offset, rule: null);
        }

        foreach (IGrouping<(TimeSpan From, TimeSpan To, int Month, int Week, DayOfWeek Day, TimeSpan Time), Transition> group in
            transitions.GroupBy(t => (t.From, t.To, t.Local.Month, t.Week, t.Local.DayOfWeek, t.Local.TimeOfDay)))
        {
            Transition[] occurrences = [.. group];
            string kind = group.Key.To > group.Key.From ? "DAYLIGHT" : "STANDARD";
            // A yearly rule only when the same transition happened every year of the window, else one observance each.
            bool yearly = occurrences.Length == toYear - fromYear + 1
                && occurrences.Select((t, i) => t.Local.Year == fromYear + i).All(b => b);
            if (yearly && occurrences.Length > 1)
            {
                string week = group.Key.Week.ToString(CultureInfo.InvariantCulture);
                Observance(lines, kind, occurrences[0].Local, group.Key.From, group.Key.To,
                    string.Create(CultureInfo.InvariantCulture, $"FREQ=YEARLY;BYMONTH={group.Key.Month};BYDAY={week}{Day(group.Key.Day)}"));
            }
            else
            {
                foreach (Transition transition in occurrences)
                {
                    Observance(lines, kind, transition.Local, transition.From, transition.To, rule: null);
                }
            }
        }

        lines.End("VTIMEZONE");
    }

    /// <summary>The UTC offset written as <c>+HHMM</c> (or <c>+HHMMSS</c>), §3.3.14.</summary>
    public static string Offset(TimeSpan offset)
    {
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        TimeSpan magnitude = offset.Duration();
        string text = string.Create(CultureInfo.InvariantCulture, $"{sign}{magnitude.Hours + (magnitude.Days * 24):00}{magnitude.Minutes:00}");
        return magnitude.Seconds == 0 ? text : text + magnitude.Seconds.ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>A local date-time as §3.3.5 form #3 (with TZID): <c>20261203T100000</c>.</summary>
    public static string LocalDateTime(DateTime local) => local.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);

    /// <summary>The changes of <paramref name="zone"/>'s UTC offset from the start of <paramref name="fromYear"/> to the end of <paramref name="toYear"/>.</summary>
    internal static IReadOnlyList<Transition> Transitions(TimeZoneInfo zone, int fromYear, int toYear)
    {
        var transitions = new List<Transition>();
        DateTime end = new DateTime(toYear, 12, 31, 0, 0, 0, DateTimeKind.Utc).AddDays(2);
        DateTime day = new DateTime(fromYear, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(-1);
        TimeSpan offset = zone.GetUtcOffset(day);
        while (day < end)
        {
            DateTime next = day.AddHours(12);
            TimeSpan nextOffset = zone.GetUtcOffset(next);
            if (nextOffset != offset)
            {
                // The offset changed within these 12 hours: find the minute it did.
                DateTime low = day, high = next;
                while (high - low > TimeSpan.FromMinutes(1))
                {
                    DateTime middle = low + TimeSpan.FromTicks((high - low).Ticks / 2);
                    if (zone.GetUtcOffset(middle) == offset)
                    {
                        low = middle;
                    }
                    else
                    {
                        high = middle;
                    }
                }

                DateTime instant = new DateTime(high.Ticks - (high.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
                DateTime local = DateTime.SpecifyKind(instant + offset, DateTimeKind.Unspecified);
                if (local.Year >= fromYear && local.Year <= toYear)
                {
                    transitions.Add(new Transition(local, offset, nextOffset, Week(local)));
                }

                offset = nextOffset;
            }

            day = next;
        }

        return transitions;
    }

    /// <summary>The BYDAY ordinal of a date in its month: 1 to 4, or -1 for the last such weekday (the usual "last Sunday").</summary>
    private static int Week(DateTime date) =>
        date.Day + 7 > DateTime.DaysInMonth(date.Year, date.Month) ? -1 : ((date.Day - 1) / 7) + 1;

    private static string Day(DayOfWeek day) => day switch
    {
        DayOfWeek.Sunday => "SU",
        DayOfWeek.Monday => "MO",
        DayOfWeek.Tuesday => "TU",
        DayOfWeek.Wednesday => "WE",
        DayOfWeek.Thursday => "TH",
        DayOfWeek.Friday => "FR",
        _ => "SA",
    };

    private static void Observance(ContentLines lines, string kind, DateTime start, TimeSpan from, TimeSpan to, string? rule)
    {
        lines.Begin(kind)
            .Property("DTSTART", LocalDateTime(start))
            .Property("TZOFFSETFROM", Offset(from))
            .Property("TZOFFSETTO", Offset(to));
        if (rule is not null)
        {
            lines.Property("RRULE", rule);
        }

        lines.End(kind);
    }

    /// <summary>One change of offset: the local wall-clock time just before it (in the old offset), the offsets, its BYDAY ordinal.</summary>
    internal sealed record Transition(DateTime Local, TimeSpan From, TimeSpan To, int Week);
}
