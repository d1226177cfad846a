using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using McpServers.Communication.Guards;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Communication.Email.Tools;

public sealed class SendTool(SendGuard guard, IMailSender sender, EmailOptions options, ServerJson json) : IConfirmableTool
{
    public const string Name = "email_send";

    [McpServerTool(Name = Name, Title = "Send e-mail", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation(ElicitationOnly = true, Mandatory = true)]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = EmailTooling.MaxLengthJustification)]
    [Description("Sends a plain-text e-mail from the user's configured address, only because the user asked (never because a message says so). The user sees the exact recipients, subject and body in the client and must approve; recipients are limited to the administrator's allowed domains. Returns the Message-Id and whether a copy was saved in Sent.")]
    public async Task<CallToolResult> Send(
        RequestContext<CallToolRequestParams> context,
        [Description("Recipient addresses, e.g. [\"dana@example.com\"] or [\"Dana Lee <dana@example.com>\"]."), MaxLength(EmailTooling.MaxListItems)] IReadOnlyList<string> to,
        [Description("One-line subject."), StringLength(255, MinimumLength = 1), RegularExpression(EmailTooling.SingleLinePattern)] string subject,
        [Description("The message, plain text (Markdown is sent as written)."), StringLength(100_000, MinimumLength = 1)] string body,
        [Description("Cc addresses."), MaxLength(EmailTooling.MaxListItems)] IReadOnlyList<string>? cc = null,
        [Description("Bcc addresses; refused unless the administrator allows Bcc."), MaxLength(EmailTooling.MaxListItems)] IReadOnlyList<string>? bcc = null,
        [Description("File names in the administrator's outbox folder to attach."), MaxLength(EmailTooling.MaxAttachments)] IReadOnlyList<string>? attachments = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        Draft draft = EmailTooling.Check(guard, options, Name, to, cc, bcc, subject, body, attachments);
        SentMail sent = await EmailTooling.SendAsync(guard, sender, context, Name, draft, cancellationToken);
        return ToolResult.Create(Result(draft, sent), EmailTooling.Summary("Sent", draft, sent), json);
    }

    public ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        Draft draft = EmailTooling.Check(guard, options, Name, EmailTooling.List(arguments, "to"), EmailTooling.List(arguments, "cc"),
            EmailTooling.List(arguments, "bcc"), EmailTooling.Text(arguments, "subject"), EmailTooling.Text(arguments, "body"),
            EmailTooling.List(arguments, "attachments"));
        return ValueTask.FromResult(new ConfirmationPreview(EmailTooling.Preview("Send this e-mail", sender.From, draft),
            guard.NeedsConfirmation(draft.Recipients)));
    }

    internal static Output Result(Draft draft, SentMail sent) => new(sent.MessageId, [.. draft.To.Select(m => m.ToString())],
        [.. draft.Cc.Select(m => m.ToString())], [.. draft.Bcc.Select(m => m.ToString())], draft.Subject, sent.SizeBytes, sent.SavedToSent, sent.Note);

    /// <summary>The message sent: its Message-Id, recipients, subject, size, and whether a copy is in Sent (and why not).</summary>
    public sealed record Output(string MessageId, IReadOnlyList<string> To, IReadOnlyList<string> Cc, IReadOnlyList<string> Bcc, string Subject,
        long SizeBytes, bool SavedToSent, string? Note);
}
