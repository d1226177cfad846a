using Ical.Net.DataTypes;
using McpServers.Communication.Calendar.Ical;
using CalendarEvent = McpServers.Communication.Calendar.Ical.CalendarEvent;
using IcalCalendar = Ical.Net.Calendar;
using VTimeZone = Ical.Net.CalendarComponents.VTimeZone;

namespace McpServers.Communication.Tests.Calendar;

/// <summary>Our REQUEST and CANCEL objects, read back by an independent parser (Ical.Net), for zones with and without DST.</summary>
public sealed class InvitationCalendarTests
{
    public static TheoryData<string, string, string> Zones => new()
    {
        // Zone, start and end (wall clock in the zone).
        { "Europe/Berlin", "2030-03-29T10:00", "2030-03-29T11:30" },   // the Friday before DST starts
        { "Europe/Berlin", "2030-04-01T10:00", "2030-04-01T11:00" },   // the Monday after: one hour less offset
        { "Europe/Berlin", "2030-10-26T23:00", "2030-10-27T04:00" },   // across the night the clocks go back
        { "Europe/Berlin", "2030-01-15T09:00", "2030-01-15T09:30" },   // winter, before any transition of its year
        { "America/New_York", "2030-11-01T15:00", "2030-11-04T15:00" }, // across the end of DST
        { "America/New_York", "2030-07-04T12:00", "2030-07-04T13:00" },
        { "Asia/Kolkata", "2030-06-10T09:30", "2030-06-10T10:00" },    // +05:30, no DST
        { "UTC", "2030-02-01T08:00", "2030-02-01T09:00" },
        { "Australia/Sydney", "2030-12-24T10:00", "2030-12-24T11:00" }, // southern summer
    };

    private static CalendarEvent Meeting(string zone, string start, string end, int sequence = 0) => new(
        Uid: "3f0c7d64a1b2c3d4e5f60718293a4b5c@example.com",
        Sequence: sequence,
        Summary: "Review; budget, Q3 \\ plan",
        Description: "Agenda:\n1. numbers\n2. next steps",
        Location: "Room 4, Building B",
        Start: DateTime.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
        End: DateTime.Parse(end, System.Globalization.CultureInfo.InvariantCulture),
        TimeZoneId: zone,
        Organizer: new CalendarPerson("me@example.com", "Me Myself"),
        Attendees: [new CalendarPerson("dana@a.test", "Scully, Dana"), new CalendarPerson("lee@b.test", null)],
        Stamp: new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)));

    [Theory]
    [MemberData(nameof(Zones))]
    public void Request_ParsesWithTheSameUidSequenceAttendeesAndInstants(string zone, string start, string end)
    {
        CalendarEvent meeting = Meeting(zone, start, end);
        TimeZoneInfo tz = TimeZoneInfo.FindSystemTimeZoneById(zone);

        IcalCalendar parsed = IcalCalendar.Load(InvitationCalendar.Write(meeting, CalendarMethod.Request, tz))!;

        Assert.Equal("REQUEST", parsed.Method);
        Assert.Equal("2.0", parsed.Version);
        Assert.Equal(InvitationCalendar.ProductId, parsed.ProductId);
        Ical.Net.CalendarComponents.CalendarEvent e = Assert.Single(parsed.Events);
        Assert.Equal(meeting.Uid, e.Uid);
        Assert.Equal(0, e.Sequence);
        Assert.Equal(meeting.Summary, e.Summary);
        Assert.Equal(meeting.Description, e.Description);
        Assert.Equal(meeting.Location, e.Location);
        Assert.Equal("CONFIRMED", e.Status);
        Assert.Equal(new DateTime(2030, 1, 2, 1, 4, 5, DateTimeKind.Utc), e.DtStamp!.AsUtc);
        Assert.Equal(zone, e.DtStart!.TzId);
        Assert.Equal(TimeZoneInfo.ConvertTimeToUtc(meeting.Start, tz), e.DtStart.AsUtc);
        Assert.Equal(TimeZoneInfo.ConvertTimeToUtc(meeting.End, tz), e.DtEnd!.AsUtc);
        Assert.Equal(new Uri("mailto:me@example.com"), e.Organizer!.Value);
        Assert.Equal("Me Myself", e.Organizer.CommonName);
        Assert.Collection(e.Attendees,
            a =>
            {
                Assert.Equal(new Uri("mailto:dana@a.test"), a.Value);
                Assert.Equal("Scully, Dana", a.CommonName);
                Assert.Equal("REQ-PARTICIPANT", a.Role);
                Assert.Equal("NEEDS-ACTION", a.ParticipationStatus);
                Assert.True(a.Rsvp);
            },
            a =>
            {
                Assert.Equal(new Uri("mailto:lee@b.test"), a.Value);
                Assert.Null(a.CommonName);
            });
    }

    [Theory]
    [MemberData(nameof(Zones))]
    public void Cancel_ParsesAsTheSameEvent_WithTheNextSequenceAndStatusCancelled(string zone, string start, string end)
    {
        CalendarEvent cancel = Meeting(zone, start, end, sequence: 1);

        IcalCalendar parsed = IcalCalendar.Load(InvitationCalendar.Write(cancel, CalendarMethod.Cancel, TimeZoneInfo.FindSystemTimeZoneById(zone)))!;

        Assert.Equal("CANCEL", parsed.Method);
        Ical.Net.CalendarComponents.CalendarEvent e = Assert.Single(parsed.Events);
        Assert.Equal(cancel.Uid, e.Uid);
        Assert.Equal(1, e.Sequence);
        Assert.Equal("CANCELLED", e.Status);
        Assert.Equal(2, e.Attendees.Count);
    }

    /// <summary>
    /// Our VTIMEZONE alone (not the parser's own zone data) gives the right offset: expanding its observances with Ical.Net's
    /// recurrence evaluation, the onset in force at the event's start and end has the offset .NET's zone has then, and every
    /// onset it yields in the event's year is a real change of offset at that instant.
    /// </summary>
    [Theory]
    [MemberData(nameof(Zones))]
    public void TimeZoneComponent_GivesTheZonesOffsetsAtTheEvent_AndItsTransitionsInstants(string zone, string start, string end)
    {
        CalendarEvent meeting = Meeting(zone, start, end);
        TimeZoneInfo tz = TimeZoneInfo.FindSystemTimeZoneById(zone);

        IcalCalendar parsed = IcalCalendar.Load(InvitationCalendar.Write(meeting, CalendarMethod.Request, tz))!;

        VTimeZone component = Assert.Single(parsed.TimeZones);
        Assert.Equal(zone, component.TzId);
        var onsets = new List<(DateTime Utc, TimeSpan From, TimeSpan To)>();
        foreach (Ical.Net.VTimeZoneInfo observance in component.TimeZoneInfos)
        {
            TimeSpan from = observance.OffsetFrom!.Offset, to = observance.OffsetTo!.Offset;
            foreach (Occurrence occurrence in observance.GetOccurrences(null, null).TakeWhile(o => o.Period.StartTime.Year <= meeting.End.Year + 1))
            {
                onsets.Add((DateTime.SpecifyKind(occurrence.Period.StartTime.Value - from, DateTimeKind.Utc), from, to));
            }
        }

        foreach (DateTime local in new[] { meeting.Start, meeting.End })
        {
            DateTime utc = TimeZoneInfo.ConvertTimeToUtc(local, tz);
            (DateTime _, TimeSpan _, TimeSpan inForce) = onsets.Where(o => o.Utc <= utc).MaxBy(o => o.Utc);
            Assert.Equal(tz.GetUtcOffset(utc), inForce);
        }

        int realTransitions = 0;
        foreach ((DateTime utc, TimeSpan from, TimeSpan to) in onsets.Where(o => o.From != o.To && o.Utc.Year == meeting.Start.Year))
        {
            Assert.Equal(from, tz.GetUtcOffset(utc.AddMinutes(-1)));
            Assert.Equal(to, tz.GetUtcOffset(utc));
            realTransitions++;
        }

        Assert.Equal(tz.SupportsDaylightSavingTime && zone != "Asia/Kolkata" ? 2 : 0, realTransitions);
    }

    [Fact]
    public void Berlin_IsWrittenAsTheUsualYearlyRules()
    {
        string written = InvitationCalendar.Write(Meeting("Europe/Berlin", "2030-06-01T10:00", "2030-06-01T11:00"), CalendarMethod.Request,
            TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));

        Assert.Contains("BEGIN:DAYLIGHT\r\nDTSTART:20290325T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n", written, StringComparison.Ordinal);
        Assert.Contains("BEGIN:STANDARD\r\nDTSTART:20291028T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n", written, StringComparison.Ordinal);
        Assert.Contains("DTSTART;TZID=Europe/Berlin:20300601T100000\r\n", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Kolkata_HasOneFixedOffset()
    {
        string written = InvitationCalendar.Write(Meeting("Asia/Kolkata", "2030-06-10T09:30", "2030-06-10T10:00"), CalendarMethod.Request,
            TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));

        Assert.Contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Kolkata\r\nBEGIN:STANDARD\r\nDTSTART:20290101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n", written, StringComparison.Ordinal);
        Assert.DoesNotContain("RRULE", written, StringComparison.Ordinal);
    }

    [Fact]
    public void TheObject_HasTheRequiredShape_InOrder()
    {
        string written = InvitationCalendar.Write(Meeting("UTC", "2030-02-01T08:00", "2030-02-01T09:00"), CalendarMethod.Request, TimeZoneInfo.Utc);

        string[] lines = written.Replace("\r\n ", "", StringComparison.Ordinal).Split("\r\n");
        Assert.Equal(["BEGIN:VCALENDAR", "PRODID:" + InvitationCalendar.ProductId, "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:REQUEST", "BEGIN:VTIMEZONE"], lines[..6]);
        Assert.Contains("SUMMARY:Review\\; budget\\, Q3 \\\\ plan", lines);
        Assert.Contains("ORGANIZER;CN=Me Myself:mailto:me@example.com", lines);
        Assert.Contains("ATTENDEE;CN=\"Scully, Dana\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:dana@a.test", lines);
        Assert.Contains("DTSTAMP:20300102T010405Z", lines);
        Assert.Equal(["END:VEVENT", "END:VCALENDAR", ""], lines[^3..]);
        Assert.DoesNotContain('\n', written.Replace("\r\n", "", StringComparison.Ordinal));
    }
}
