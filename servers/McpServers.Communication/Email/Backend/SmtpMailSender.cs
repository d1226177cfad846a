using MailKit.Net.Smtp;
using MimeKit;
using MimeKit.IO;
using MimeKit.Utils;

namespace McpServers.Communication.Email.Backend;

/// <summary>
/// <see cref="IMailSender"/> over SMTP submission (<c>Email:SmtpHost</c>, TLS or STARTTLS, signed in), then IMAP
/// APPEND of the sent message with \Seen to the Sent folder. The From is always <c>Email:From</c>.
/// </summary>
public sealed class SmtpMailSender(MailConnections connections, ImapMailbox mailbox, TimeProvider time) : IMailSender
{
    public MailboxAddress From { get; } = connections.Options.FromMailbox();

    /// <summary>For <c>--check</c>: connects and signs in to the submission server, then says goodbye; sends nothing.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(connections.Options.Timeout * 3);
        using SmtpClient client = await connections.SmtpAsync(bounded.Token);
        await connections.Smtp(() => client.DisconnectAsync(quit: true, bounded.Token), cancellationToken);
    }

    public async Task<SentMail> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.From.Clear();
        message.From.Add(From);
        message.Sender = null;
        message.Date = time.GetUtcNow();
        if (string.IsNullOrEmpty(message.MessageId))
        {
            message.MessageId = MimeUtils.GenerateMessageId(From.Domain);
        }

        long size = Measure(message);
        using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            bounded.CancelAfter(connections.Options.Timeout * 3);
            using SmtpClient client = await connections.SmtpAsync(bounded.Token);
            await connections.Smtp(() => client.SendAsync(message, bounded.Token), cancellationToken);
            // Accepted: from here on the message is sent, whatever happens to the goodbye or the Sent copy.
            try
            {
                await client.DisconnectAsync(quit: true, bounded.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or MailKit.ProtocolException or MailKit.CommandException)
            {
                // Nothing to do: the server already accepted the message.
            }
        }

        string? note = await mailbox.SaveSentAsync(message, cancellationToken);
        return new SentMail(message.MessageId, size, note is null, note);
    }

    private static long Measure(MimeMessage message)
    {
        using var measure = new MeasuringStream();
        message.WriteTo(measure);
        return measure.Length;
    }
}
