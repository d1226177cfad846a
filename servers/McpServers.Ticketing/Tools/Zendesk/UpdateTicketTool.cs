using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend.Zendesk;
using McpServers.Ticketing.Tools.Jira;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Zendesk;

public sealed class UpdateTicketTool(IZendeskGateway gateway, ServerJson json) : IConfirmableTool
{
    private const string Nothing = "Give at least one of `status`, `priority`, `assignee` or `tags`.";

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = IssueInput.MaxLengthJustification)]
    [McpServerTool(Name = "zendesk_update_ticket", Title = "Update ticket", ReadOnly = false, Destructive = true, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation]
    [Description("Changes a Zendesk ticket's status, priority, assignee or tags (replaces them all); only these fields can be changed. Omitted fields stay as they are. Zendesk triggers may notify the requester of the change.")]
    public async Task<CallToolResult> UpdateTicket(
        [Description(TicketInput.TicketIdDescription), Range(1, int.MaxValue)] int ticket_id,
        [Description("New status."), AllowedValues("open", "pending", "hold", "solved")] string? status = null,
        [Description("New priority."), AllowedValues("low", "normal", "high", "urgent")] string? priority = null,
        [Description("\"me\", \"none\" (unassign), or the new assignee's user id."), RegularExpression("^(me|none|[0-9]{1,19})$")] string? assignee = null,
        [Description("New tags, replacing the current ones (single words)."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        var changes = new TicketChanges(status, priority, assignee, tags is null ? null : TicketInput.Tags(tags));
        if (changes.IsEmpty)
        {
            throw new ToolInputException(Nothing);
        }

        TicketWritten ticket = await gateway.UpdateTicketAsync(ticket_id, changes, cancellationToken);
        string message = $"Updated ticket #{ticket.Id}.";
        return ToolResult.Create(new Output(ticket.Id, ticket.Url, message), $"{message} {ticket.Url}", json);
    }

    /// <summary>Reads the ticket so a missing one is refused before anyone is asked, and the preview shows each value before and after.</summary>
    public async ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        int id = arguments["ticket_id"].GetInt32();
        string? status = IssueInput.Text(arguments, "status");
        string? priority = IssueInput.Text(arguments, "priority");
        string? assignee = IssueInput.Text(arguments, "assignee");
        IReadOnlyList<string>? tags = IssueInput.List(arguments, "tags") is { } list ? TicketInput.Tags(list) : null;
        if (new TicketChanges(status, priority, assignee, tags).IsEmpty)
        {
            throw new ToolInputException(Nothing);
        }

        TicketHeader ticket = await gateway.GetTicketHeaderAsync(id, cancellationToken);
        var text = new StringBuilder($"Change Zendesk ticket #{id} as the configured Zendesk agent (Zendesk triggers may notify the requester):");
        IssueInput.AppendIfSet(text, "subject", ticket.Subject);
        IssueInput.AppendIfSet(text, "status", status is null ? null : $"{ticket.Status ?? "none"} → {status}");
        IssueInput.AppendIfSet(text, "priority", priority is null ? null : $"{ticket.Priority ?? "none"} → {priority}");
        IssueInput.AppendIfSet(text, "assignee", assignee is null ? null
            : $"{ticket.Assignee ?? "unassigned"} → {assignee switch { "me" => "me (the configured Zendesk agent)", "none" => "unassigned", _ => "user " + assignee }}");
        IssueInput.AppendIfSet(text, "tags", tags is null ? null : $"{string.Join(", ", ticket.Tags)} → {string.Join(", ", tags)}");
        return new ConfirmationPreview(text.ToString());
    }

    /// <summary>The structured content: the ticket written, its link, and what was done.</summary>
    public sealed record Output(int TicketId, string Url, string Message);
}
