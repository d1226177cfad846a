using McpServers.Testing.Mail;

// One Dovecot + OpenSMTPD pair for the whole assembly; tests take fresh mailboxes from MailServer.NewUserAsync.
[assembly: AssemblyFixture(typeof(MailServer))]
