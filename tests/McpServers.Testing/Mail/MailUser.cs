namespace McpServers.Testing.Mail;

/// <summary>A mailbox of the test mail server: its address is also its IMAP/submission login name.</summary>
/// <param name="Address">The e-mail address and login name, e.g. <c>alice@example.test</c>.</param>
/// <param name="Password">The plain-text password (random per fixture, so tests can check it never appears in output).</param>
public sealed record MailUser(string Address, string Password)
{
    /// <summary>The address only: the password stays out of test names and failure messages.</summary>
    public override string ToString() => Address;
}
