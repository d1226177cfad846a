using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend.Zendesk;
using McpServers.Ticketing.Tools.Jira;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Zendesk;

public sealed class AddCommentTool(IZendeskGateway gateway, ServerJson json) : IConfirmableTool
{
    [McpServerTool(Name = "zendesk_add_comment", Title = "Add comment", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    // A public reply is e-mailed to the customer: only the user, asked by the client, may approve it, and an
    // administrator cannot turn that off. An internal note needs no confirmation (see PrepareConfirmationAsync).
    [RequiresConfirmation(ElicitationOnly = true, Mandatory = true)]
    [Description("Adds a comment to a Zendesk ticket as the configured agent: a public reply (Zendesk e-mails it to the requester and CCs; the user must confirm it) or an internal note only agents see.")]
    public async Task<CallToolResult> AddComment(
        [Description(TicketInput.TicketIdDescription), Range(1, int.MaxValue)] int ticket_id,
        [Description("The comment, plain text or Markdown."), StringLength(32000, MinimumLength = 1)] string body,
        [Description("\"public\": a reply e-mailed to the customer; \"internal\": a note only agents see."), AllowedValues("public", "internal")] string visibility,
        CancellationToken cancellationToken = default)
    {
        bool isPublic = visibility == "public";
        TicketWritten ticket = await gateway.AddCommentAsync(ticket_id, IssueInput.Comment(body, nameof(body)), isPublic, cancellationToken);
        string message = isPublic ? $"Public reply added to ticket #{ticket.Id}; Zendesk e-mails it to the requester." : $"Internal note added to ticket #{ticket.Id}.";
        return ToolResult.Create(new Output(ticket.Id, ticket.Url, isPublic, message), $"{message} {ticket.Url}", json);
    }

    /// <summary>Reads the ticket (a missing one is refused before anyone is asked); a public reply says who is e-mailed.</summary>
    public async ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        int id = arguments["ticket_id"].GetInt32();
        string body = IssueInput.Comment(IssueInput.Text(arguments, "body") ?? string.Empty, "body");
        TicketHeader ticket = await gateway.GetTicketHeaderAsync(id, cancellationToken);
        if (IssueInput.Text(arguments, "visibility") != "public")
        {
            return new ConfirmationPreview($"Add an internal note to Zendesk ticket #{id}.", Required: false);
        }

        var text = new StringBuilder($"Send a PUBLIC REPLY on Zendesk ticket #{id} as the configured Zendesk agent. ")
            .Append("Zendesk e-mails it to the ticket's requester (the customer) and everyone CC'd; it cannot be unsent.");
        IssueInput.AppendIfSet(text, "ticket subject", ticket.Subject);
        IssueInput.AppendIfSet(text, "reply", body);
        return new ConfirmationPreview(text.ToString());
    }

    /// <summary>The structured content: the ticket written, its link, whether the comment is public, and what was done.</summary>
    public sealed record Output(int TicketId, string Url, bool Public, string Message);
}
