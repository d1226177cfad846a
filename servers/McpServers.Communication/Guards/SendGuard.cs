using MimeKit;
using ModelContextProtocol.Server;

namespace McpServers.Communication.Guards;

/// <summary>
/// The checks every send tool (email_send, email_reply, slack_post_message, slack_reply_in_thread,
/// calendar_send_invitation, calendar_cancel_invitation) runs, in this order:
/// 1. in <c>PrepareConfirmationAsync</c> (before any human is asked) and again in the tool: parse and check the input
///    (<see cref="Recipients"/>, <see cref="HeaderText"/>), <see cref="CheckRecipients"/> and <see cref="CheckCaps"/>;
///    <see cref="NeedsConfirmation"/> decides the preview's <c>Required</c>;
/// 2. in the tool, just before the backend call: <see cref="ReserveAsync"/> (counts the send, persisted; refused past a
///    cap), then <see cref="SendReservation.ReleaseAsync"/> if the backend refused so nothing was sent;
/// 3. after the send: <see cref="AuditSent"/>.
/// Every refusal is a <see cref="Shared.Errors.ToolInputException"/> that names the setting an administrator changes.
/// </summary>
public sealed class SendGuard
{
    /// <summary>
    /// E-mail addresses as the model gave them, parsed with MimeKit and re-serialised: each must be one mailbox (no
    /// groups, no lists in one item), with no CR, LF or other control character in the address or display name.
    /// </summary>
    public IReadOnlyList<MailboxAddress> Recipients(IReadOnlyList<string>? values, string parameterName) =>
        throw new NotImplementedException("guards part");

    /// <summary>A header value (subject, display name): one line, no control characters, at most <paramref name="maxLength"/> characters.</summary>
    public string HeaderText(string? value, string parameterName, int maxLength = 255) =>
        throw new NotImplementedException("guards part");

    /// <summary>
    /// Every recipient's domain is in <c>Guards:AllowedRecipientDomains</c>; Bcc only when <c>Guards:AllowBcc</c>; at most
    /// <c>Guards:MaxRecipients</c> in all. Throws naming the recipient and the setting.
    /// </summary>
    public void CheckRecipients(IReadOnlyCollection<MailboxAddress> to, IReadOnlyCollection<MailboxAddress> cc,
        IReadOnlyCollection<MailboxAddress> bcc) => throw new NotImplementedException("guards part");

    /// <summary>
    /// Whether a human must confirm a send to these recipients: always for any recipient outside
    /// <c>Guards:InternalDomains</c>; for internal-only recipients unless <c>Guards:ConfirmInternal</c> is false.
    /// </summary>
    public bool NeedsConfirmation(IEnumerable<MailboxAddress> recipients) => throw new NotImplementedException("guards part");

    /// <summary>Refuses (with when the cap resets) a send of <paramref name="tool"/> that would pass its or the total per-hour/per-day cap. Counts nothing.</summary>
    public void CheckCaps(string tool) => throw new NotImplementedException("guards part");

    /// <summary>
    /// Counts one send of <paramref name="tool"/> against its caps and the total, under a lock shared by every server process
    /// of this OS user and persisted across restarts; refused past a cap. Call just before the backend call.
    /// </summary>
    public Task<SendReservation> ReserveAsync(string tool, CancellationToken cancellationToken) =>
        throw new NotImplementedException("guards part");

    /// <summary>
    /// Writes the audit facts of a send into this call's audit line: the recipients (only their domains when
    /// <c>Guards:AuditDomainsOnly</c>), message id and size; never the body.
    /// </summary>
    public void AuditSent(MessageContext context, string tool, IEnumerable<string> recipients, string? messageId, long sizeBytes) =>
        throw new NotImplementedException("guards part");
}

/// <summary>One counted send; <see cref="ReleaseAsync"/> un-counts it when the backend refused and nothing was sent.</summary>
public abstract class SendReservation
{
    public abstract Task ReleaseAsync(CancellationToken cancellationToken);
}
