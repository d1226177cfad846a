using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend.Zendesk;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Zendesk;

/// <summary>The ticket as the gateway reads it is the structured content: <see cref="TicketDetail"/>.</summary>
public sealed class GetTicketTool(IZendeskGateway gateway, ServerJson json)
{
    [McpServerTool(Name = "zendesk_get_ticket", Title = "Get ticket", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(TicketDetail))]
    [Description("Reads one Zendesk ticket: subject, status, priority, type, requester and assignee names, tags, description and the newest comments (author, time, public reply or internal note).")]
    public async Task<CallToolResult> GetTicket(
        [Description(TicketInput.TicketIdDescription), Range(1, int.MaxValue)] int ticket_id,
        [Description("How many of the newest comments to include (default 5; the server caps it)."), Range(0, 100)] int? comments = null,
        CancellationToken cancellationToken = default)
    {
        TicketDetail d = await gateway.GetTicketAsync(ticket_id, comments ?? 5, cancellationToken);
        var text = new StringBuilder();
        text.Append('#').Append(d.Id).Append(": ").Append(d.Subject).Append('\n')
            .Append("status: ").Append(d.Status).Append(" | priority: ").Append(d.Priority ?? "none").Append(" | type: ").Append(d.Type ?? "none")
            .Append("\nrequester: ").Append(d.Requester ?? "unknown").Append(" | assignee: ").Append(d.Assignee ?? "unassigned")
            .Append(" | group: ").Append(d.GroupId?.ToString(CultureInfo.InvariantCulture) ?? "none")
            .Append("\ncreated: ").Append(d.Created).Append(" | updated: ").Append(d.Updated).Append('\n');
        if (d.Tags.Count > 0)
        {
            text.Append("tags: ").AppendJoin(", ", d.Tags).Append('\n');
        }

        text.Append(d.Url).Append("\n\n").Append(d.Description.Length == 0 ? "(no description)" : d.Description).Append('\n');
        if (d.Comments.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\ncomments (newest {d.Comments.Count} of {d.CommentsTotal}, newest first):");
            foreach (TicketComment c in d.Comments)
            {
                text.Append("\n--- ").Append(c.Public ? "[public reply] " : "[internal note] ").Append(c.Author).Append(", ").Append(c.Created)
                    .Append('\n').Append(c.Body);
            }
        }

        return ToolResult.Create(d, text.ToString().TrimEnd(), json);
    }
}
