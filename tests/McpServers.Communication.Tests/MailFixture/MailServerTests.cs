using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using McpServers.Testing.Mail;
using MimeKit;

namespace McpServers.Communication.Tests.MailFixture;

/// <summary>The mail fixture itself: real Dovecot and OpenSMTPD, reached only over loopback.</summary>
public sealed class MailServerTests(MailServer mail)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Append_then_fetch_round_trips_over_imaps()
    {
        mail.RequireAvailable();
        MailUser user = await mail.NewUserAsync();
        MimeMessage sent = Message(mail.Bob, user, "Quarterly numbers", "Revenue is up 12 %.");

        await mail.AppendAsync(user, "INBOX", sent, MessageFlags.Seen, Ct);

        MimeMessage fetched = Assert.Single(await mail.FetchAllAsync(user, "INBOX", Ct));
        Assert.Equal(sent.MessageId, fetched.MessageId);
        Assert.Equal("Quarterly numbers", fetched.Subject);
        Assert.Equal("Revenue is up 12 %.", fetched.TextBody?.Trim());
    }

    [Fact]
    public async Task New_users_have_separate_mailboxes()
    {
        mail.RequireAvailable();
        MailUser first = await mail.NewUserAsync();
        MailUser second = await mail.NewUserAsync("partner.test");

        await mail.AppendAsync(first, "INBOX", Message(mail.Alice, first, "For the first only", "x"), cancellationToken: Ct);

        Assert.EndsWith("@partner.test", second.Address, StringComparison.Ordinal);
        Assert.NotEqual(first.Address, second.Address);
        Assert.Single(await mail.FetchAllAsync(first, "INBOX", Ct));
        Assert.Empty(await mail.FetchAllAsync(second, "INBOX", Ct));
    }

    [Fact]
    public async Task Created_nested_folder_holds_appended_mail_and_special_use_folders_exist()
    {
        mail.RequireAvailable();
        MailUser user = await mail.NewUserAsync();

        await mail.CreateFolderAsync(user, "Projects/Apollo", Ct);
        await mail.AppendAsync(user, "Projects/Apollo", Message(mail.Bob, user, "Launch plan", "T-minus 3"), cancellationToken: Ct);

        Assert.Equal("Launch plan", Assert.Single(await mail.FetchAllAsync(user, "Projects/Apollo", Ct)).Subject);
        using ImapClient client = await mail.ConnectImapAsync(user, Ct);
        Assert.Equal("Sent", client.GetFolder(SpecialFolder.Sent)?.FullName);
        Assert.Equal("Drafts", client.GetFolder(SpecialFolder.Drafts)?.FullName);
    }

    [Fact]
    public async Task Wait_for_message_sees_mail_that_arrives_after_the_wait_began()
    {
        mail.RequireAvailable();
        MailUser user = await mail.NewUserAsync();
        await mail.AppendAsync(user, "INBOX", Message(mail.Bob, user, "Not this one", "x"), cancellationToken: Ct);

        Task<MimeMessage> waiting = mail.WaitForMessageAsync(user, "INBOX", m => m.Subject == "This one", Ct);
        await mail.AppendAsync(user, "INBOX", Message(mail.Bob, user, "This one", "y"), cancellationToken: Ct);

        Assert.Equal("y", (await waiting).TextBody?.Trim());
    }

    [Fact]
    public async Task The_plain_imap_port_offers_starttls_and_logs_in_after_it()
    {
        // Dovecot lets loopback clients log in without TLS whatever "ssl = required" says (it counts them as secured),
        // so TLS enforcement is the client's job; the fixture only guarantees STARTTLS works with its certificate.
        mail.RequireAvailable();
        using var client = new ImapClient { ServerCertificateValidationCallback = mail.ValidateServerCertificate };
        await client.ConnectAsync(mail.Host, mail.ImapPort, SecureSocketOptions.StartTls, Ct);
        await client.AuthenticateAsync(mail.Alice.Address, mail.Alice.Password, Ct);

        Assert.True(client.IsSecure);
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task The_fixture_certificate_is_not_trusted_by_default()
    {
        mail.RequireAvailable();
        Assert.True(File.Exists(mail.CertificatePath));

        using var imap = new ImapClient();
        await Assert.ThrowsAsync<SslHandshakeException>(() => imap.ConnectAsync(mail.Host, mail.ImapsPort, SecureSocketOptions.SslOnConnect, Ct));
        using var smtp = new SmtpClient();
        await Assert.ThrowsAsync<SslHandshakeException>(() => smtp.ConnectAsync(mail.Host, mail.SubmissionPort, SecureSocketOptions.StartTls, Ct));
    }

    [Fact]
    public async Task Submission_is_delivered_through_opensmtpd_and_lmtp_to_both_local_domains()
    {
        mail.RequireDelivery();
        MailUser sender = await mail.NewUserAsync();
        MailUser colleague = await mail.NewUserAsync();
        MailUser partner = await mail.NewUserAsync("partner.test");
        MimeMessage message = Message(sender, colleague, "Meeting notes", "Decisions: ship on Friday.");
        message.Cc.Add(MailboxAddress.Parse(partner.Address));

        using (SmtpClient client = await SubmissionClientAsync(sender))
        {
            await client.SendAsync(message, Ct);
            await client.DisconnectAsync(quit: true, Ct);
        }

        foreach (MailUser recipient in new[] { colleague, partner })
        {
            MimeMessage delivered = await mail.WaitForMessageAsync(recipient, "INBOX", m => m.MessageId == message.MessageId, Ct);
            Assert.Equal("Decisions: ship on Friday.", delivered.TextBody?.Trim());
            Assert.Contains(delivered.Headers, h => h.Id == HeaderId.Received && h.Value.Contains("(OpenSMTPD)", StringComparison.Ordinal));
            Assert.Contains(delivered.Headers, h => h.Id == HeaderId.Received && h.Value.Contains("with LMTP", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Submission_to_a_non_local_domain_is_refused_so_nothing_leaves_the_machine()
    {
        mail.RequireDelivery();
        MailUser sender = await mail.NewUserAsync();
        using SmtpClient client = await SubmissionClientAsync(sender);

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(Message(sender, new MailUser("someone@outside.example", "-"), "Leak", "must not leave"), Ct));

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, refused.ErrorCode);
        Assert.Equal(550, (int)refused.StatusCode);
    }

    [Fact]
    public async Task Submission_needs_authentication()
    {
        mail.RequireDelivery();
        using var client = new SmtpClient { ServerCertificateValidationCallback = mail.ValidateServerCertificate };
        await client.ConnectAsync(mail.Host, mail.SubmissionPort, SecureSocketOptions.StartTls, Ct);

        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(mail.Alice.Address, "wrong password", Ct));
        await Assert.ThrowsAsync<ServiceNotAuthenticatedException>(() => client.SendAsync(Message(mail.Alice, mail.Bob, "No auth", "x"), Ct));
    }

    private async Task<SmtpClient> SubmissionClientAsync(MailUser user)
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = mail.ValidateServerCertificate };
        await client.ConnectAsync(mail.Host, mail.SubmissionPort, SecureSocketOptions.StartTls, Ct);
        await client.AuthenticateAsync(user.Address, user.Password, Ct);
        return client;
    }

    private static MimeMessage Message(MailUser from, MailUser to, string subject, string body)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = body } };
        message.From.Add(MailboxAddress.Parse(from.Address));
        message.To.Add(MailboxAddress.Parse(to.Address));
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("example.test");
        return message;
    }
}
