using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using McpServers.Communication.Calendar.Invitations;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Communication.Calendar.Tools;

internal sealed class ListInvitationsTool(CalendarTooling tooling, ServerJson json)
{
    public const string Name = "calendar_list_invitations";

    private const int DefaultPage = 20;

    [McpServerTool(Name = Name, Title = "List sent invitations", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Lists the meeting invitations this server sent (as remembered across restarts), newest first: id, uid, title, time with its zone, attendees, status (sent, updated, cancelled). Use the id or uid with calendar_cancel_invitation. Paged: when cut, next_cursor fetches the next page.")]
    public async Task<CallToolResult> ListInvitations(
        [Description("Also list cancelled invitations (default false).")] bool include_cancelled = false,
        [Description("Invitations per page (default 20)."), Range(1, 100)] int? max_results = null,
        [Description("next_cursor from a previous call with the same arguments, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        string scope = $"{Name}|{include_cancelled}";
        int offset = cursor is null ? 0 : int.Parse(OpaqueCursor.Decode(scope, cursor), CultureInfo.InvariantCulture);
        int size = max_results ?? DefaultPage;
        StoredInvitation[] all = [.. (await tooling.Store.ReadAllAsync(cancellationToken)).Where(i => include_cancelled || i.CancelledAt is null)];
        CalendarInvitation[] page = [.. all.Skip(offset).Take(size).Select(Item)];
        string? next = offset + page.Length < all.Length ? OpaqueCursor.Encode(scope, (offset + page.Length).ToString(CultureInfo.InvariantCulture)) : null;
        string? notice = next is null ? null : Truncation.Cut(page.Length, all.Length, next, $"page size {size}").Notice();

        var text = new StringBuilder();
        foreach (CalendarInvitation i in page)
        {
            text.Append(i.Id).Append(' ').Append(i.Status).Append(": ").Append(i.Title.ReplaceLineEndings(" ")).Append(", ")
                .Append(i.Start).Append(" to ").Append(i.End).Append(" (").Append(i.TimeZone).Append("), to ")
                .Append(string.Join(", ", i.Attendees)).Append(" [uid ").Append(i.Uid).Append("]\n");
        }

        text.Append(all.Length == 0 ? "No invitations sent by this server are remembered." : string.Create(CultureInfo.InvariantCulture, $"({page.Length} of {all.Length} invitations)"));
        if (notice is not null)
        {
            text.Append(' ').Append(notice).Append("\nnext_cursor: ").Append(next);
        }

        return ToolResult.Create(new Output(page, page.Length, all.Length, next is not null, next, notice), text.ToString(), json);
    }

    private static CalendarInvitation Item(StoredInvitation i) => new(i.Id, i.Uid, i.Sequence, TextHygiene.Clean(i.Summary), CalendarTooling.Iso(i.Start),
        CalendarTooling.Iso(i.End), i.TimeZone, [.. i.Attendees.Select(a => a.Address)], i.CancelledAt is not null ? "cancelled" : i.Sequence > 0 ? "updated" : "sent",
        i.SentAt, i.CancelledAt);

    /// <summary>A page of sent invitations, newest first.</summary>
    public sealed record Output(IReadOnlyList<CalendarInvitation> Invitations, int Count, int Total, bool Truncated, string? NextCursor, string? Notice);
}

/// <summary>An invitation this server sent: ids, title, wall-clock times in <see cref="TimeZone"/>, attendees, status, when sent and cancelled.</summary>
public sealed record CalendarInvitation(string Id, string Uid, int Sequence, string Title, string Start, string End, string TimeZone,
    IReadOnlyList<string> Attendees, string Status, DateTimeOffset SentAt, DateTimeOffset? CancelledAt);
