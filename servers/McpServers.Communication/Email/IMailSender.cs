using MimeKit;

namespace McpServers.Communication.Email;

/// <summary>
/// Sends a message the server built by SMTP submission, then saves a copy in the Sent folder (IMAP APPEND) so the
/// user's mailbox shows what the server sent. Used by the email_* send tools and by the calendar invitations. The caller
/// has already applied every guard (recipient allowlist, caps, confirmation); this only sends.
/// </summary>
public interface IMailSender
{
    /// <summary>The configured sender (<c>Email:From</c>): the only From address the server ever uses.</summary>
    MailboxAddress From { get; }

    /// <summary>
    /// Sends <paramref name="message"/> (its From is set to <see cref="From"/> and a Message-Id is added when missing).
    /// Throws <see cref="Shared.Errors.BackendException"/> with a safe message when the submission server refuses or
    /// cannot be reached: then nothing was sent. A copy that could not be saved to Sent is not a send failure; the
    /// result says so.
    /// </summary>
    Task<SentMail> SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>A message that was accepted by the submission server.</summary>
/// <param name="MessageId">Its Message-Id, without angle brackets.</param>
/// <param name="SizeBytes">Its size as submitted.</param>
/// <param name="SavedToSent">Whether the copy was appended to the Sent folder.</param>
/// <param name="Note">Why the copy was not saved (safe to show), when it was not.</param>
public sealed record SentMail(string MessageId, long SizeBytes, bool SavedToSent, string? Note = null);
