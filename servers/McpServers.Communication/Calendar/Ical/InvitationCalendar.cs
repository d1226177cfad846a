using System.Globalization;

namespace McpServers.Communication.Calendar.Ical;

/// <summary>What an invitation's iCalendar object says: REQUEST (invite or update) or CANCEL.</summary>
internal enum CalendarMethod
{
    Request,
    Cancel,
}

/// <summary>A person on an invitation: an e-mail address and, when known, a name (the CN).</summary>
internal sealed record CalendarPerson(string Address, string? Name);

/// <summary>
/// One meeting as the server sends it. <see cref="Start"/> and <see cref="End"/> are wall-clock times in
/// <see cref="TimeZoneId"/> (an IANA id), the form in which clients show and move them.
/// </summary>
internal sealed record CalendarEvent(
    string Uid,
    int Sequence,
    string Summary,
    string? Description,
    string? Location,
    DateTime Start,
    DateTime End,
    string TimeZoneId,
    CalendarPerson Organizer,
    IReadOnlyList<CalendarPerson> Attendees,
    DateTimeOffset Stamp);

/// <summary>
/// Writes the iCalendar object (RFC 5545, with the iTIP methods of RFC 5546) of an invitation: VCALENDAR with PRODID,
/// VERSION, CALSCALE and METHOD; the VTIMEZONE of the event's zone; one VEVENT with UID, DTSTAMP (UTC), SEQUENCE,
/// DTSTART/DTEND with TZID, SUMMARY, DESCRIPTION, LOCATION, ORGANIZER, one ATTENDEE per invitee (required participant,
/// needs action, reply requested) and STATUS (CONFIRMED, or CANCELLED for a cancellation).
/// </summary>
internal static class InvitationCalendar
{
    public const string ProductId = "-//McpServers//mcp-communication//EN";

    public static string Write(CalendarEvent e, CalendarMethod method, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(zone);
        var lines = new ContentLines();
        lines.Begin("VCALENDAR")
            .Property("PRODID", ProductId)
            .Property("VERSION", "2.0")
            .Property("CALSCALE", "GREGORIAN")
            .Property("METHOD", method == CalendarMethod.Cancel ? "CANCEL" : "REQUEST");
        TimeZoneComponent.Write(lines, zone, e.TimeZoneId, e.Start, e.End);
        lines.Begin("VEVENT")
            .Property("UID", e.Uid)
            .Property("DTSTAMP", e.Stamp.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture))
            .Property("SEQUENCE", e.Sequence.ToString(CultureInfo.InvariantCulture))
            .Property("DTSTART", TimeZoneComponent.LocalDateTime(e.Start), ("TZID", e.TimeZoneId))
            .Property("DTEND", TimeZoneComponent.LocalDateTime(e.End), ("TZID", e.TimeZoneId))
            .Text("SUMMARY", e.Summary);
        if (!string.IsNullOrEmpty(e.Description))
        {
            lines.Text("DESCRIPTION", e.Description);
        }

        if (!string.IsNullOrEmpty(e.Location))
        {
            lines.Text("LOCATION", e.Location);
        }

        Person(lines, "ORGANIZER", e.Organizer);
        foreach (CalendarPerson attendee in e.Attendees)
        {
            Person(lines, "ATTENDEE", attendee, ("ROLE", "REQ-PARTICIPANT"), ("PARTSTAT", "NEEDS-ACTION"), ("RSVP", "TRUE"));
        }

        lines.Property("STATUS", method == CalendarMethod.Cancel ? "CANCELLED" : "CONFIRMED")
            .Property("TRANSP", "OPAQUE")
            .End("VEVENT")
            .End("VCALENDAR");
        return lines.ToString();
    }

    private static void Person(ContentLines lines, string property, CalendarPerson person, params (string Name, string Value)[] extra)
    {
        (string Name, string Value)[] parameters = string.IsNullOrEmpty(person.Name) ? extra : [("CN", person.Name), .. extra];
        lines.Property(property, "mailto:" + person.Address, parameters);
    }
}
