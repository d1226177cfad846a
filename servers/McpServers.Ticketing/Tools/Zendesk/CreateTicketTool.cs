using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend.Zendesk;
using McpServers.Ticketing.Tools.Jira;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Zendesk;

public sealed class CreateTicketTool(IZendeskGateway gateway, ServerJson json) : IConfirmableTool
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = IssueInput.MaxLengthJustification)]
    [McpServerTool(Name = "zendesk_create_ticket", Title = "Create ticket", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation]
    [Description("Creates a Zendesk ticket as the configured agent, who is its requester. The description becomes the ticket's first comment. Returns the new ticket number and its link.")]
    public async Task<CallToolResult> CreateTicket(
        [Description("One-line subject."), StringLength(255, MinimumLength = 1), RegularExpression(IssueInput.SingleLinePattern)] string subject,
        [Description("The ticket's description (its first comment), plain text or Markdown."), StringLength(32000, MinimumLength = 1)] string description,
        [Description("Priority."), AllowedValues("low", "normal", "high", "urgent")] string? priority = null,
        [Description("Ticket type."), AllowedValues("problem", "incident", "question", "task")] string? type = null,
        [Description("Tags (single words)."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? tags = null,
        [Description("\"me\", or the assignee's user id."), RegularExpression(TicketInput.AssigneePattern)] string? assignee = null,
        CancellationToken cancellationToken = default)
    {
        TicketWritten ticket = await gateway.CreateTicketAsync(new NewTicket(IssueInput.Summary(subject, nameof(subject)),
            IssueInput.Comment(description, nameof(description)), priority, type, TicketInput.Tags(tags), assignee), cancellationToken);
        string message = $"Created ticket #{ticket.Id}.";
        return ToolResult.Create(new Output(ticket.Id, ticket.Url, message), $"{message} {ticket.Url}", json);
    }

    /// <summary>Checks what Zendesk would refuse (a blank subject or description, tags with spaces) before anyone is asked.</summary>
    public ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string subject = IssueInput.Summary(IssueInput.Text(arguments, "subject") ?? string.Empty, "subject");
        string description = IssueInput.Comment(IssueInput.Text(arguments, "description") ?? string.Empty, "description");
        IReadOnlyList<string> tags = TicketInput.Tags(IssueInput.List(arguments, "tags"));
        var text = new StringBuilder("Create a new Zendesk ticket as the configured Zendesk agent (its requester):");
        IssueInput.AppendIfSet(text, "subject", subject);
        IssueInput.AppendIfSet(text, "priority", IssueInput.Text(arguments, "priority"));
        IssueInput.AppendIfSet(text, "type", IssueInput.Text(arguments, "type"));
        IssueInput.AppendIfSet(text, "tags", tags.Count == 0 ? null : string.Join(", ", tags));
        IssueInput.AppendIfSet(text, "assignee", IssueInput.Text(arguments, "assignee") is "me" ? "me (the configured Zendesk agent)" : IssueInput.Text(arguments, "assignee"));
        IssueInput.AppendIfSet(text, "description", description);
        return ValueTask.FromResult(new ConfirmationPreview(text.ToString()));
    }

    /// <summary>The structured content: the ticket written, its link, and what was done.</summary>
    public sealed record Output(int TicketId, string Url, string Message);
}
