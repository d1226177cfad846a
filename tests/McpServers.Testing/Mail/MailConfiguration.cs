using System.Globalization;

namespace McpServers.Testing.Mail;

/// <summary>Where one fixture instance puts things and which loopback ports it listens on.</summary>
internal sealed record MailLayout(string Directory, int ImapPort, int ImapsPort, int SubmissionPort, int LmtpPort, int RelayPort)
{
    public string DovecotConfig => Path.Combine(Directory, "dovecot.conf");

    public string DovecotLog => Path.Combine(Directory, "dovecot.log");

    public string SmtpdConfig => Path.Combine(Directory, "smtpd.conf");

    public string UsersFile => Path.Combine(Directory, "users");

    public string MailRoot => Path.Combine(Directory, "mail");

    /// <summary>Bound over <c>/var/spool</c> in OpenSMTPD's own mount namespace: its queue path is compiled in.</summary>
    public string SpoolDirectory => Path.Combine(Directory, "spool");

    /// <summary>Bound over <c>/run</c> in OpenSMTPD's own mount namespace: its control socket path is compiled in.</summary>
    public string SmtpdRunDirectory => Path.Combine(Directory, "smtpd-run");
}

/// <summary>Who the Dovecot processes run as: as root, the package's users plus an unprivileged mail owner; otherwise the current user.</summary>
internal sealed record MailAccounts(bool Root, string InternalUser, string InternalGroup, string LoginUser, string MailUser, string MailGroup, int MailUid);

/// <summary>The configuration files the fixture writes (Dovecot 2.3 and OpenSMTPD 6.x syntax).</summary>
internal static class MailConfiguration
{
    public static string Dovecot(MailLayout layout, MailAccounts accounts, string certificatePath, string keyPath)
    {
        string d = layout.Directory;
        var text = new List<string>
        {
            $"instance_name = mcp-mail-{Path.GetFileName(d)}",
            $"base_dir = {d}/run",
            $"state_dir = {d}/state",
            $"log_path = {layout.DovecotLog}",
            "auth_verbose = yes",
            "protocols = imap submission lmtp",
            "listen = 127.0.0.1",
            "hostname = localhost",
            "postmaster_address = postmaster@example.test",
            // TLS is required before any login; 993 is implicit TLS, 143 and the submission port offer STARTTLS.
            "ssl = required",
            $"ssl_cert = <{certificatePath}",
            $"ssl_key = <{keyPath}",
            "auth_mechanisms = plain login",
            $"default_internal_user = {accounts.InternalUser}",
            $"default_internal_group = {accounts.InternalGroup}",
            $"default_login_user = {accounts.LoginUser}",
            // Dovecot never stores mail as uid 0: all mailboxes belong to one unprivileged user.
            $"mail_uid = {accounts.MailUser}",
            $"mail_gid = {accounts.MailGroup}",
            $"first_valid_uid = {accounts.MailUid.ToString(CultureInfo.InvariantCulture)}",
            $"last_valid_uid = {accounts.MailUid.ToString(CultureInfo.InvariantCulture)}",
            "mail_location = maildir:~/Maildir",
            // IDLE re-checks the mailbox every second even where inotify is unavailable.
            "mailbox_idle_check_interval = 1 secs",
            "passdb {",
            "  driver = passwd-file",
            $"  args = scheme=PLAIN username_format=%u {layout.UsersFile}",
            "}",
            "userdb {",
            "  driver = passwd-file",
            $"  args = username_format=%u {layout.UsersFile}",
            $"  default_fields = uid={accounts.MailUser} gid={accounts.MailGroup} home={layout.MailRoot}/%u",
            "}",
            "namespace inbox {",
            "  inbox = yes",
            "  separator = /",
            "  mailbox Drafts {",
            "    special_use = \\Drafts",
            "    auto = subscribe",
            "  }",
            "  mailbox Sent {",
            "    special_use = \\Sent",
            "    auto = subscribe",
            "  }",
            "  mailbox Trash {",
            "    special_use = \\Trash",
            "    auto = subscribe",
            "  }",
            "  mailbox Junk {",
            "    special_use = \\Junk",
            "    auto = subscribe",
            "  }",
            "  mailbox Archive {",
            "    special_use = \\Archive",
            "    auto = subscribe",
            "  }",
            "}",
            "service imap-login {",
            "  inet_listener imap {",
            "    address = 127.0.0.1",
            $"    port = {Port(layout.ImapPort)}",
            "  }",
            "  inet_listener imaps {",
            "    address = 127.0.0.1",
            $"    port = {Port(layout.ImapsPort)}",
            "    ssl = yes",
            "  }",
            Chroot(accounts),
            "}",
            "service submission-login {",
            "  inet_listener submission {",
            "    address = 127.0.0.1",
            $"    port = {Port(layout.SubmissionPort)}",
            "  }",
            Chroot(accounts),
            "}",
            "service lmtp {",
            "  inet_listener lmtp {",
            "    address = 127.0.0.1",
            $"    port = {Port(layout.LmtpPort)}",
            "  }",
            "}",
            "service anvil {",
            Chroot(accounts),
            "}",
            // Submission relays every accepted message to the fixture's OpenSMTPD, which only delivers locally.
            "submission_relay_host = 127.0.0.1",
            $"submission_relay_port = {Port(layout.RelayPort)}",
            "submission_relay_ssl = no",
        };
        return string.Join('\n', text) + "\n";
    }

    /// <summary>
    /// OpenSMTPD delivers the test domains to Dovecot over LMTP and rejects every other recipient at RCPT TO: nothing
    /// ever leaves the machine.
    /// </summary>
    public static string Smtpd(MailLayout layout, IEnumerable<string> localDomains) =>
        string.Join('\n',
            $"listen on 127.0.0.1 port {Port(layout.RelayPort)}",
            $"table local_domains {{ {string.Join(", ", localDomains.Select(d => $"\"{d}\""))} }}",
            $"action \"deliver\" relay host lmtp://127.0.0.1:{Port(layout.LmtpPort)}",
            "match from any for domain <local_domains> action \"deliver\"",
            "match from any for any reject") + "\n";

    // Login processes chroot by default, which only root may do.
    private static string Chroot(MailAccounts accounts) => accounts.Root ? string.Empty : "  chroot =";

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
