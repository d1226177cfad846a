using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using McpServers.Communication.Calendar.Ical;
using McpServers.Communication.Calendar.Invitations;
using McpServers.Communication.Email;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Communication.Calendar.Tools;

internal sealed class UpdateInvitationTool(CalendarTooling tooling, ServerJson json) : IConfirmableTool
{
    public const string Name = "calendar_update_invitation";

    [McpServerTool(Name = Name, Title = "Update a calendar invitation", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation(ElicitationOnly = true, Mandatory = true)]
    [Description("Moves or changes a meeting this server invited to (also after a restart): sends the invitation again (iCalendar METHOD:REQUEST, same uid, next sequence) with the new time, title, location or description to the same attendees, whose calendars update it. Only what is given changes; the attendees stay the same (to change them, cancel and invite again). The user confirms in the client before it is sent.")]
    public async Task<CallToolResult> UpdateInvitation(
        RequestContext<CallToolRequestParams> context,
        [Description("The invitation's uid or its id from calendar_list_invitations or calendar_send_invitation."), RegularExpression(CalendarTooling.InvitationPattern)] string invitation,
        [Description("New start: local date-time in the time zone like 2026-12-03T10:00, or with an offset. Without end or duration_minutes the meeting keeps its length."), RegularExpression(CalendarTooling.DateTimePattern)] string? start = null,
        [Description("New end, in the same forms as start."), RegularExpression(CalendarTooling.DateTimePattern)] string? end = null,
        [Description("New length in minutes, instead of end."), Range(1, 20160)] int? duration_minutes = null,
        [Description("IANA time zone of the new times (default: the invitation's own)."), StringLength(64), RegularExpression("^[A-Za-z0-9_+/-]+$")] string? time_zone = null,
        [Description("New title, one line."), StringLength(CalendarTooling.MaxTitle, MinimumLength = 1), RegularExpression(CalendarTooling.SingleLinePattern)] string? title = null,
        [Description("New location, one line."), StringLength(CalendarTooling.MaxLocation), RegularExpression(CalendarTooling.SingleLinePattern)] string? location = null,
        [Description("New agenda or notes, plain text (line breaks allowed)."), StringLength(CalendarTooling.MaxDescription), RegularExpression(CalendarTooling.MultiLinePattern)] string? description = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        (StoredInvitation stored, CalendarEvent updated, Schedule schedule, _) = await PrepareAsync(
            invitation, start, end, duration_minutes, time_zone, title, location, description, cancellationToken);
        SentMail sent = await tooling.SendAsync(context, Name, InvitationMail.Build(updated, CalendarMethod.Request, schedule.Zone), cancellationToken);
        bool remembered = await tooling.RememberAsync(stored with
        {
            Sequence = updated.Sequence,
            Summary = updated.Summary,
            Location = updated.Location,
            Description = updated.Description,
            Start = updated.Start,
            End = updated.End,
            TimeZone = updated.TimeZoneId,
            UpdatedAt = updated.Stamp,
            MessageId = sent.MessageId,
        }, cancellationToken);
        var text = new StringBuilder($"Updated '{updated.Summary}' to {InvitationMail.When(updated)}: the update went to {string.Join(", ", updated.Attendees.Select(a => a.Address))}.");
        CalendarTooling.AppendDelivery(text, sent, remembered);
        return ToolResult.Create(new Output(stored.Id, updated.Uid, updated.Sequence, updated.Summary, CalendarTooling.Iso(updated.Start),
            CalendarTooling.Iso(updated.End), updated.TimeZoneId, [.. updated.Attendees.Select(a => a.Address)], sent.MessageId, sent.SavedToSent,
            text.ToString()), text.ToString(), json);
    }

    /// <summary>The preview: the meeting as it will be, what it was, and to whom the update goes; every check runs first.</summary>
    public async ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        (StoredInvitation stored, CalendarEvent updated, _, bool required) = await PrepareAsync(
            CalendarTooling.Text(arguments, "invitation"), CalendarTooling.Text(arguments, "start"), CalendarTooling.Text(arguments, "end"),
            CalendarTooling.Number(arguments, "duration_minutes"), CalendarTooling.Text(arguments, "time_zone"), CalendarTooling.Text(arguments, "title"),
            CalendarTooling.Text(arguments, "location"), CalendarTooling.Text(arguments, "description"), cancellationToken);
        var text = new StringBuilder("Update this meeting in every attendee's calendar, telling them by e-mail:");
        CalendarTooling.AppendMeeting(text, updated, attendees: null);
        text.Append("\n- until now: ").Append(ConfirmationPreview.Value(stored.Summary)).Append(", ")
            .Append(ConfirmationPreview.Value(InvitationMail.When(updated with { Start = stored.Start, End = stored.End, TimeZoneId = stored.TimeZone })));
        return new ConfirmationPreview(text.ToString(), required);
    }

    private async Task<(StoredInvitation Stored, CalendarEvent Updated, Schedule Schedule, bool ConfirmationRequired)> PrepareAsync(
        string? invitation, string? start, string? end, int? durationMinutes, string? timeZone, string? title, string? location, string? description,
        CancellationToken cancellationToken)
    {
        (StoredInvitation stored, CalendarEvent next) = await tooling.SentInvitationAsync(invitation, cancellationToken);
        if (start is null && end is null && durationMinutes is null && timeZone is null && title is null && location is null && description is null)
        {
            throw new ToolInputException("Give what changes: start, end, duration_minutes, time_zone, title, location or description.");
        }

        if (timeZone is not null && start is null)
        {
            throw new ToolInputException("With a new `time_zone`, give the new `start` in it too.");
        }

        int? keptLength = end is null && durationMinutes is null ? (int)(stored.End - stored.Start).TotalMinutes : durationMinutes;
        Schedule schedule = tooling.Times(start ?? CalendarTooling.Iso(stored.Start), end, keptLength, timeZone ?? stored.TimeZone);
        CalendarEvent updated = next with
        {
            Summary = title is null ? next.Summary : CalendarTooling.Line(title, "title", CalendarTooling.MaxTitle, required: true),
            Location = location is null ? next.Location : CalendarTooling.Line(location, "location", CalendarTooling.MaxLocation, required: false) is { Length: > 0 } l ? l : null,
            Description = description is null ? next.Description : CalendarTooling.Lines(description, "description", CalendarTooling.MaxDescription),
            Start = schedule.Start,
            End = schedule.End,
            TimeZoneId = schedule.ZoneId,
        };
        bool required = tooling.CheckSend(Name, CalendarTooling.Mailboxes(updated), InvitationMail.Subject(updated, CalendarMethod.Request));
        return (stored, updated, schedule, required);
    }

    /// <summary>The update sent: which invitation (id, uid, new sequence), its new time and title, to whom, and how the mail went.</summary>
    public sealed record Output(string Id, string Uid, int Sequence, string Title, string Start, string End, string TimeZone,
        IReadOnlyList<string> Attendees, string MessageId, bool SavedToSent, string Message);
}
