using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using McpServers.Communication.Calendar.Ical;
using McpServers.Communication.Calendar.Invitations;
using McpServers.Communication.Email;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Communication.Calendar.Tools;

internal sealed class SendInvitationTool(CalendarTooling tooling, ServerJson json) : IConfirmableTool
{
    public const string Name = "calendar_send_invitation";

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = CalendarTooling.MaxLengthJustification)]
    [McpServerTool(Name = Name, Title = "Send a calendar invitation", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation(ElicitationOnly = true, Mandatory = true)]
    [Description("Sends a meeting invitation (iCalendar METHOD:REQUEST by e-mail, from the configured sender as organizer) that attendees' calendars can accept. Attendees are e-mail addresses, or names resolved only from the address book or recent correspondents: a name matching nobody or several people is refused with the candidates, so ask the user. The user confirms the exact invitation in the client before it is sent. Returns the invitation's uid and id (for calendar_cancel_invitation).")]
    public async Task<CallToolResult> SendInvitation(
        RequestContext<CallToolRequestParams> context,
        [Description("The meeting's title, one line."), StringLength(CalendarTooling.MaxTitle, MinimumLength = 1), RegularExpression(CalendarTooling.SingleLinePattern)] string title,
        [Description("Start: local date-time in time_zone like 2026-12-03T10:00, or with an offset like 2026-12-03T10:00+01:00."), RegularExpression(CalendarTooling.DateTimePattern)] string start,
        [Description("The attendees: e-mail addresses (dana@example.com) or names (Dana Scully) from the address book or recent correspondents."), MaxLength(CalendarOptions.AttendeeCeiling)] IReadOnlyList<string> attendees,
        [Description("End, in the same forms as start; or give duration_minutes (default: the administrator's default length)."), RegularExpression(CalendarTooling.DateTimePattern)] string? end = null,
        [Description("Length in minutes, instead of end."), Range(1, 20160)] int? duration_minutes = null,
        [Description("IANA time zone of the times, e.g. Europe/Berlin (default: the administrator's, else the server's)."), StringLength(64), RegularExpression("^[A-Za-z0-9_+/-]+$")] string? time_zone = null,
        [Description("Where: a room, an address or a meeting link; one line."), StringLength(CalendarTooling.MaxLocation), RegularExpression(CalendarTooling.SingleLinePattern)] string? location = null,
        [Description("The agenda or notes, plain text (line breaks allowed)."), StringLength(CalendarTooling.MaxDescription), RegularExpression(CalendarTooling.MultiLinePattern)] string? description = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        (CalendarEvent invitation, IReadOnlyList<ResolvedAttendee> resolved, Schedule schedule, _) = await PrepareAsync(
            title, start, end, duration_minutes, time_zone, location, description, attendees, cancellationToken);
        SentMail sent = await tooling.SendAsync(context, Name, InvitationMail.Build(invitation, CalendarMethod.Request, schedule.Zone), cancellationToken);
        string id = CalendarTooling.ShortId(invitation.Uid);
        bool remembered = await tooling.RememberAsync(new StoredInvitation
        {
            Id = id,
            Uid = invitation.Uid,
            Sequence = invitation.Sequence,
            Summary = invitation.Summary,
            Location = invitation.Location,
            Description = invitation.Description,
            Start = invitation.Start,
            End = invitation.End,
            TimeZone = invitation.TimeZoneId,
            Organizer = invitation.Organizer.Address,
            Attendees = [.. invitation.Attendees.Select(a => new StoredAttendee(a.Address, a.Name))],
            SentAt = invitation.Stamp,
            UpdatedAt = invitation.Stamp,
            MessageId = sent.MessageId,
        }, cancellationToken);

        var text = new StringBuilder($"Sent the invitation '{invitation.Summary}' ({InvitationMail.When(invitation)}) to {string.Join(", ", invitation.Attendees.Select(a => a.Address))}; id {id}, uid {invitation.Uid}.");
        CalendarTooling.AppendDelivery(text, sent, remembered);
        return ToolResult.Create(new Output(id, invitation.Uid, invitation.Sequence, invitation.Summary, CalendarTooling.Iso(invitation.Start),
            CalendarTooling.Iso(invitation.End), invitation.TimeZoneId, invitation.Organizer.Address,
            [.. resolved.Select(r => new CalendarAttendee(r.Mailbox.Address, CalendarTooling.Name(r.Mailbox.Name), r.Source))],
            sent.MessageId, sent.SavedToSent, remembered, text.ToString()), text.ToString(), json);
    }

    /// <summary>The preview: organizer, resolved attendees, title, time with zone, location and description; every check runs first.</summary>
    public async ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        (CalendarEvent invitation, IReadOnlyList<ResolvedAttendee> resolved, _, bool required) = await PrepareAsync(
            CalendarTooling.Text(arguments, "title") ?? "", CalendarTooling.Text(arguments, "start") ?? "", CalendarTooling.Text(arguments, "end"),
            CalendarTooling.Number(arguments, "duration_minutes"), CalendarTooling.Text(arguments, "time_zone"), CalendarTooling.Text(arguments, "location"),
            CalendarTooling.Text(arguments, "description"), CalendarTooling.List(arguments, "attendees"), cancellationToken);
        var text = new StringBuilder("Send this calendar invitation by e-mail:");
        CalendarTooling.AppendMeeting(text, invitation, resolved);
        return new ConfirmationPreview(text.ToString(), required);
    }

    /// <summary>Everything that could refuse the call, in the same order for the preview and the send.</summary>
    private async Task<(CalendarEvent Invitation, IReadOnlyList<ResolvedAttendee> Resolved, Schedule Schedule, bool ConfirmationRequired)> PrepareAsync(
        string title, string start, string? end, int? durationMinutes, string? timeZone, string? location, string? description,
        IReadOnlyList<string>? attendees, CancellationToken cancellationToken)
    {
        string summary = CalendarTooling.Line(title, "title", CalendarTooling.MaxTitle, required: true);
        string? place = CalendarTooling.Line(location, "location", CalendarTooling.MaxLocation, required: false) is { Length: > 0 } l ? l : null;
        string? notes = CalendarTooling.Lines(description, "description", CalendarTooling.MaxDescription);
        Schedule schedule = tooling.Times(start, end, durationMinutes, timeZone);
        IReadOnlyList<ResolvedAttendee> resolved = await tooling.AttendeesAsync(attendees, cancellationToken);
        var invitation = new CalendarEvent(tooling.NewUid(), 0, summary, notes, place, schedule.Start, schedule.End, schedule.ZoneId,
            tooling.OrganizerPerson(), [.. resolved.Select(r => new CalendarPerson(r.Mailbox.Address, CalendarTooling.Name(r.Mailbox.Name)))],
            tooling.Now);
        bool required = tooling.CheckSend(Name, [.. resolved.Select(r => r.Mailbox)], InvitationMail.Subject(invitation, CalendarMethod.Request));
        return (invitation, resolved, schedule, required);
    }

    /// <summary>The invitation sent: its ids, times (wall clock in <see cref="TimeZone"/>), who it went to and how the mail went.</summary>
    public sealed record Output(string Id, string Uid, int Sequence, string Title, string Start, string End, string TimeZone, string Organizer,
        IReadOnlyList<CalendarAttendee> Attendees, string MessageId, bool SavedToSent, bool Remembered, string Message);
}

/// <summary>An attendee of an invitation: the address, the name on it, and how it was found (address, address book, recent correspondents).</summary>
public sealed record CalendarAttendee(string Address, string? Name, string Source);
