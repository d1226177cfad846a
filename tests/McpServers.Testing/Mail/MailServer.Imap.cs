using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace McpServers.Testing.Mail;

/// <summary>Seeding and reading mailboxes over IMAP (implicit TLS, trusting only the fixture's CA).</summary>
public sealed partial class MailServer
{
    /// <summary>
    /// A certificate check for MailKit clients (<c>client.ServerCertificateValidationCallback = mail.ValidateServerCertificate</c>):
    /// accepts the servers' certificate only when it chains to the fixture's CA and names the host connected to.
    /// </summary>
    public bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors)
    {
        if (certificate is null || _authority is null ||
            (sslPolicyErrors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(_authority);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using X509Certificate2 presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(presented);
    }

    /// <summary>An IMAP client connected over implicit TLS (trusting the fixture's CA) and logged in as <paramref name="user"/>. The caller disposes it.</summary>
    public async Task<ImapClient> ConnectImapAsync(MailUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        RequireAvailable();
        var client = new ImapClient { ServerCertificateValidationCallback = ValidateServerCertificate };
        try
        {
            await client.ConnectAsync(Host, ImapsPort, SecureSocketOptions.SslOnConnect, cancellationToken);
            await client.AuthenticateAsync(user.Address, user.Password, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Stores <paramref name="message"/> in <paramref name="folder"/> of <paramref name="user"/> (IMAP APPEND) and returns its UID.</summary>
    public async Task<UniqueId?> AppendAsync(MailUser user, string folder, MimeMessage message, MessageFlags flags = MessageFlags.None, CancellationToken cancellationToken = default)
    {
        using ImapClient client = await ConnectImapAsync(user, cancellationToken);
        IMailFolder box = await FolderAsync(client, folder, cancellationToken);
        UniqueId? uid = await box.AppendAsync(new AppendRequest(message, flags), cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        return uid;
    }

    /// <summary>Creates <paramref name="folder"/> (nested with '/', e.g. <c>Projects/2026</c>) for <paramref name="user"/> and subscribes to it.</summary>
    public async Task CreateFolderAsync(MailUser user, string folder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        using ImapClient client = await ConnectImapAsync(user, cancellationToken);
        IMailFolder parent = await client.GetFolderAsync(client.PersonalNamespaces[0].Path, cancellationToken);
        foreach (string name in folder.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            IList<IMailFolder> existing = await parent.GetSubfoldersAsync(subscribedOnly: false, cancellationToken);
            parent = existing.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal))
                ?? await parent.CreateAsync(name, isMessageFolder: true, cancellationToken)
                ?? throw new InvalidOperationException($"Dovecot did not create the folder {name}.");
            await parent.SubscribeAsync(cancellationToken);
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    /// <summary>Every message in <paramref name="folder"/> of <paramref name="user"/>, oldest first.</summary>
    public async Task<IReadOnlyList<MimeMessage>> FetchAllAsync(MailUser user, string folder, CancellationToken cancellationToken = default)
    {
        using ImapClient client = await ConnectImapAsync(user, cancellationToken);
        IMailFolder box = await FolderAsync(client, folder, cancellationToken);
        await box.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        var messages = new List<MimeMessage>(box.Count);
        for (int i = 0; i < box.Count; i++)
        {
            messages.Add(await box.GetMessageAsync(i, cancellationToken));
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
        return messages;
    }

    /// <summary>
    /// Waits for a message matching <paramref name="predicate"/> in <paramref name="folder"/> of <paramref name="user"/>
    /// (already there or arriving later) using IMAP IDLE — no sleeps. Gives up after <see cref="Timeout"/> (or when
    /// <paramref name="cancellationToken"/> is cancelled) with a <see cref="TimeoutException"/> carrying the servers' log tail.
    /// </summary>
    public async Task<MimeMessage> WaitForMessageAsync(MailUser user, string folder, Func<MimeMessage, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using ImapClient client = await ConnectImapAsync(user, timeout.Token);
            IMailFolder box = await FolderAsync(client, folder, timeout.Token);
            await box.OpenAsync(FolderAccess.ReadOnly, timeout.Token);
            int seen = 0;
            while (true)
            {
                // Untagged EXISTS responses update Count during any command, so anything that arrived while reading is
                // read on the next pass; IDLE starts only when everything counted has been checked.
                int count = box.Count;
                for (; seen < count; seen++)
                {
                    MimeMessage message = await box.GetMessageAsync(seen, timeout.Token);
                    if (predicate(message))
                    {
                        await client.DisconnectAsync(quit: true, timeout.Token);
                        return message;
                    }
                }

                if (box.Count > count)
                {
                    continue;
                }

                using var arrived = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                void OnCountChanged(object? sender, EventArgs e) => arrived.Cancel();
                box.CountChanged += OnCountChanged;
                try
                {
                    await client.IdleAsync(arrived.Token, timeout.Token);
                }
                finally
                {
                    box.CountChanged -= OnCountChanged;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No matching message reached {user}'s {folder} within {Timeout.TotalSeconds:0} s.\n{LogTail()}");
        }
    }

    private static async Task<IMailFolder> FolderAsync(ImapClient client, string folder, CancellationToken cancellationToken) =>
        string.Equals(folder, "INBOX", StringComparison.OrdinalIgnoreCase)
            ? client.Inbox
            : await client.GetFolderAsync(folder, cancellationToken);
}
