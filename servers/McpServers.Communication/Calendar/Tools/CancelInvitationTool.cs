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

internal sealed class CancelInvitationTool(CalendarTooling tooling, ServerJson json) : IConfirmableTool
{
    public const string Name = "calendar_cancel_invitation";

    [McpServerTool(Name = Name, Title = "Cancel a calendar invitation", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation(ElicitationOnly = true, Mandatory = true)]
    [Description("Cancels a meeting this server invited to (also after a restart): sends iCalendar METHOD:CANCEL with the same uid to the same attendees, so their calendars remove it. Only invitations this server sent can be cancelled; calendar_list_invitations lists them. The user confirms in the client before it is sent.")]
    public async Task<CallToolResult> CancelInvitation(
        RequestContext<CallToolRequestParams> context,
        [Description("The invitation's uid or its id from calendar_list_invitations or calendar_send_invitation."), RegularExpression(CalendarTooling.InvitationPattern)] string invitation,
        [Description("A short note to the attendees, plain text (line breaks allowed)."), StringLength(2000), RegularExpression(CalendarTooling.MultiLinePattern)] string? message = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        (StoredInvitation stored, CalendarEvent cancel, string? note, _) = await PrepareAsync(invitation, message, cancellationToken);
        if (!CalendarZones.TryFind(cancel.TimeZoneId, out TimeZoneInfo? zone))
        {
            throw new BackendException(BackendErrorKind.Invalid, $"The time zone {cancel.TimeZoneId} of this invitation is not known on this machine any more.");
        }

        SentMail sent = await tooling.SendAsync(context, Name, InvitationMail.Build(cancel, CalendarMethod.Cancel, zone, note), cancellationToken);
        bool remembered = await tooling.RememberAsync(stored with
        {
            Sequence = cancel.Sequence,
            UpdatedAt = cancel.Stamp,
            CancelledAt = cancel.Stamp,
            MessageId = sent.MessageId,
        }, cancellationToken);
        var text = new StringBuilder($"Cancelled '{cancel.Summary}' ({InvitationMail.When(cancel)}): the cancellation went to {string.Join(", ", cancel.Attendees.Select(a => a.Address))}.");
        CalendarTooling.AppendDelivery(text, sent, remembered);
        return ToolResult.Create(new Output(stored.Id, cancel.Uid, cancel.Sequence, cancel.Summary, [.. cancel.Attendees.Select(a => a.Address)],
            sent.MessageId, sent.SavedToSent, text.ToString()), text.ToString(), json);
    }

    /// <summary>The preview: which meeting is cancelled, for whom, and the note; every check runs first.</summary>
    public async ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        (_, CalendarEvent cancel, string? note, bool required) = await PrepareAsync(
            CalendarTooling.Text(arguments, "invitation"), CalendarTooling.Text(arguments, "message"), cancellationToken);
        var text = new StringBuilder("Cancel this meeting, telling every attendee by e-mail:");
        CalendarTooling.AppendMeeting(text, cancel, attendees: null);
        if (note is not null)
        {
            text.Append("\n- message: ").Append(ConfirmationPreview.Value(note));
        }

        return new ConfirmationPreview(text.ToString(), required);
    }

    private async Task<(StoredInvitation Stored, CalendarEvent Cancel, string? Note, bool ConfirmationRequired)> PrepareAsync(
        string? invitation, string? message, CancellationToken cancellationToken)
    {
        string? note = CalendarTooling.Lines(message, "message", 2000);
        (StoredInvitation stored, CalendarEvent cancel) = await tooling.SentInvitationAsync(invitation, cancellationToken);
        bool required = tooling.CheckSend(Name, CalendarTooling.Mailboxes(cancel), InvitationMail.Subject(cancel, CalendarMethod.Cancel));
        return (stored, cancel, note, required);
    }

    /// <summary>The cancellation sent: which invitation (id, uid, new sequence), to whom, and how the mail went.</summary>
    public sealed record Output(string Id, string Uid, int Sequence, string Title, IReadOnlyList<string> Attendees, string MessageId,
        bool SavedToSent, string Message);
}
