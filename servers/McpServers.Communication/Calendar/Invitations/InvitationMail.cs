using System.Globalization;
using System.Text;
using McpServers.Communication.Calendar.Ical;
using MimeKit;

namespace McpServers.Communication.Calendar.Invitations;

/// <summary>
/// The e-mail that carries an invitation, as calendar clients expect it (RFC 6047, iMIP): multipart/alternative with a
/// text/plain summary for people and <c>text/calendar; charset=utf-8; method=REQUEST|CANCEL</c> (named invite.ics) for
/// their calendar, to every attendee. The calendar part is base64, so its CRLF line endings and folding reach the client
/// byte for byte.
/// </summary>
internal static class InvitationMail
{
    public static MimeMessage Build(CalendarEvent e, CalendarMethod method, TimeZoneInfo zone, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        string calendar = InvitationCalendar.Write(e, method, zone);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(e.Organizer.Name, e.Organizer.Address));
        foreach (CalendarPerson attendee in e.Attendees)
        {
            message.To.Add(new MailboxAddress(attendee.Name, attendee.Address));
        }

        message.Subject = Subject(e, method);
        var text = new TextPart("plain") { Text = Summary(e, method, note), ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        var invite = new TextPart("calendar") { ContentTransferEncoding = ContentEncoding.Base64 };
        invite.SetText(Encoding.UTF8, calendar);
        invite.ContentType.Charset = "utf-8";
        invite.ContentType.Parameters.Add("method", method == CalendarMethod.Cancel ? "CANCEL" : "REQUEST");
        invite.ContentType.Name = "invite.ics";
        message.Body = new MultipartAlternative { text, invite };
        return message;
    }

    /// <summary>"Invitation: Review @ Thu 3 Dec 2026 10:00-11:00 (Europe/Berlin)", "Updated invitation: …" or "Cancelled: …".</summary>
    public static string Subject(CalendarEvent e, CalendarMethod method)
    {
        ArgumentNullException.ThrowIfNull(e);
        string prefix = method == CalendarMethod.Cancel ? "Cancelled" : e.Sequence > 0 ? "Updated invitation" : "Invitation";
        return $"{prefix}: {e.Summary} @ {When(e, "ddd d MMM yyyy")}";
    }

    /// <summary>The event's time as people read it: "Thursday 3 December 2026 10:00-11:00 (Europe/Berlin)".</summary>
    public static string When(CalendarEvent e, string dateFormat = "dddd d MMMM yyyy")
    {
        ArgumentNullException.ThrowIfNull(e);
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string start = e.Start.ToString(dateFormat + " HH:mm", invariant);
        string end = e.End.Date == e.Start.Date ? e.End.ToString("HH:mm", invariant) : e.End.ToString(dateFormat + " HH:mm", invariant);
        return $"{start}-{end} ({e.TimeZoneId})";
    }

    private static string Summary(CalendarEvent e, CalendarMethod method, string? note)
    {
        string organizer = string.IsNullOrEmpty(e.Organizer.Name) ? e.Organizer.Address : $"{e.Organizer.Name} <{e.Organizer.Address}>";
        var text = new StringBuilder();
        text.Append(method == CalendarMethod.Cancel ? "This meeting has been cancelled by " : e.Sequence > 0 ? "This meeting has been updated by " : "You are invited by ")
            .Append(organizer).Append(".\n\n")
            .Append("Title: ").Append(e.Summary).Append('\n')
            .Append("When: ").Append(When(e)).Append('\n');
        if (!string.IsNullOrEmpty(e.Location))
        {
            text.Append("Where: ").Append(e.Location).Append('\n');
        }

        text.Append("Attendees: ").Append(string.Join(", ", e.Attendees.Select(a => a.Address))).Append('\n');
        if (!string.IsNullOrEmpty(note))
        {
            text.Append('\n').Append(note).Append('\n');
        }

        if (!string.IsNullOrEmpty(e.Description) && method != CalendarMethod.Cancel)
        {
            text.Append('\n').Append(e.Description).Append('\n');
        }

        return text.ToString();
    }
}
