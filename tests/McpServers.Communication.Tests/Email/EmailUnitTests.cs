using McpServers.Communication.Email;
using McpServers.Communication.Email.Backend;
using McpServers.Communication.Email.Tools;
using McpServers.Shared.Errors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace McpServers.Communication.Tests.Email;

public sealed class EmailUnitTests
{
    private static EmailOptions Options(Action<EmailOptions>? change = null)
    {
        var options = new EmailOptions
        {
            ImapHost = "imap.example.test",
            UserName = "me@example.test",
            Password = "pw",
            SmtpHost = "smtp.example.test",
            From = "me@example.test",
            Folders = ["INBOX", "Archive/2026"],
        };
        change?.Invoke(options);
        return options;
    }

    private static ImapMailbox Mailbox(EmailOptions options) =>
        new(new MailConnections(options, NullLogger<MailConnections>.Instance), NullLogger<ImapMailbox>.Instance);

    [Fact]
    public void MessageRef_RoundTrips_AndNamesTheParameterWhenBroken()
    {
        var reference = new MessageRef("Archive/2026 ü", 1700000000, 42);

        Assert.Equal(reference, MessageRef.Parse(reference.ToString(), "message_id"));
        Assert.Matches(MessageRef.Pattern, reference.ToString());
        var e = Assert.Throws<ToolInputException>(() => MessageRef.Parse("SU5CT1g.1.0", "message_id"));
        Assert.Contains("`message_id`", e.Message, StringComparison.Ordinal);
        Assert.Throws<ToolInputException>(() => MessageRef.Parse("!!.1.2", "message_id"));
    }

    [Theory]
    [InlineData(null, "INBOX")]
    [InlineData("inbox", "INBOX")]
    [InlineData("archive/2026", "Archive/2026")]
    public void AllowedFolder_MatchesCaseInsensitively(string? asked, string expected)
    {
        using ImapMailbox mailbox = Mailbox(Options());

        Assert.Equal(expected, mailbox.AllowedFolder(asked));
    }

    [Theory]
    [InlineData("Trash")]
    [InlineData("Archive")]
    [InlineData("INBOX/../Trash")]
    public void AllowedFolder_RefusesAnyOtherFolder_NamingTheSetting(string asked)
    {
        using ImapMailbox mailbox = Mailbox(Options());

        var e = Assert.Throws<ToolInputException>(() => mailbox.AllowedFolder(asked));
        Assert.Contains("Email:Folders", e.Message, StringComparison.Ordinal);
        Assert.Contains("INBOX, Archive/2026", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageIdOfAFolderOutsideTheAllowlist_IsRefusedBeforeAnyConnection()
    {
        // The host does not exist: reaching it would fail differently.
        using ImapMailbox mailbox = Mailbox(Options(o => o.ImapHost = "imap.invalid"));

        var e = await Assert.ThrowsAsync<ToolInputException>(() =>
            mailbox.GetMessageAsync(new MessageRef("Trash", 1, 1), TestContext.Current.CancellationToken));
        Assert.Contains("`message_id` 'Trash' is not an allowed folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_AcceptsACompleteConfiguration()
    {
        Assert.True(new EmailOptionsValidator().Validate(null, Options()).Succeeded);
    }

    [Fact]
    public void Validator_NamesEverySettingToFix()
    {
        ValidateOptionsResult result = new EmailOptionsValidator().Validate(null, Options(o =>
        {
            o.Password = null;
            o.ImapSecurity = MailSecurity.None;
            o.From = "not an address";
            o.MaxResults = 0;
        }));

        string text = string.Join("\n", result.Failures!);
        Assert.Contains("EMAIL_PASSWORD", text, StringComparison.Ordinal);
        Assert.Contains("Email:ImapSecurity may be None only for a server on this machine", text, StringComparison.Ordinal);
        Assert.Contains("Email:From must be one e-mail address", text, StringComparison.Ordinal);
        Assert.Contains("Email:MaxResults", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_AllowsNoEncryptionOnlyForLoopback()
    {
        Assert.True(new EmailOptionsValidator().Validate(null, Options(o => { o.ImapHost = "127.0.0.1"; o.ImapSecurity = MailSecurity.None; })).Succeeded);
        Assert.True(new EmailOptionsValidator().Validate(null, Options(o => { o.SmtpHost = "localhost"; o.SmtpSecurity = MailSecurity.None; })).Succeeded);
        Assert.False(new EmailOptionsValidator().Validate(null, Options(o => o.SmtpSecurity = MailSecurity.None)).Succeeded);
    }

    [Fact]
    public void Correspondents_MatchWholeNameWordsOrLocalPart_MostRecentFirst_WithoutTheUser()
    {
        MailboxAddress[] recent =
        [
            new("Dana Lee", "dana@partner.test"), new("Me", "me@example.test"), new("Danae Smith", "danae@example.test"),
            new("Dana Lee", "dana@partner.test"), new("Lee Dana Ross", "dross@example.test"), new(null, "dana@other.test"),
        ];

        Assert.Equal(["dana@partner.test", "dross@example.test", "dana@other.test"],
            MailCorrespondents.Match("dana", recent, "me@example.test").Select(m => m.Address));
        Assert.Equal(["dana@partner.test", "dross@example.test"], MailCorrespondents.Match("Dana Lee", recent, "me@example.test").Select(m => m.Address));
        Assert.Empty(MailCorrespondents.Match("me", recent, "me@example.test"));
        Assert.Empty(MailCorrespondents.Match("  ", recent, null));
    }

    [Fact]
    public void Reply_GoesToReplyToElseFrom_AndReplyAllAddsTheOthersButNotTheUser()
    {
        var original = new ReplyBasis(new MessageRef("INBOX", 1, 1), "Plan", "m1@x", [],
            [new MailboxAddress("Dana", "dana@partner.test")], [],
            [new MailboxAddress("Me", "me@example.test"), new MailboxAddress("Lee", "lee@example.test")],
            [new MailboxAddress(null, "dana@partner.test"), new MailboxAddress(null, "kim@example.test")]);

        (IReadOnlyList<string> to, IReadOnlyList<string> cc) = ReplyTool.Recipients(original, replyAll: false, "ME@example.test");
        Assert.Equal(["dana@partner.test"], to);
        Assert.Empty(cc);

        (to, cc) = ReplyTool.Recipients(original, replyAll: true, "me@example.test");
        Assert.Equal(["lee@example.test", "kim@example.test"], cc);

        (to, _) = ReplyTool.Recipients(original with { ReplyTo = [new MailboxAddress(null, "list@partner.test")] }, false, "me@example.test");
        Assert.Equal(["list@partner.test"], to);
    }

    [Theory]
    [InlineData("Plan", "Re: Plan")]
    [InlineData("RE: Plan", "RE: Plan")]
    [InlineData("  re: Plan ", "re: Plan")]
    public void Reply_SubjectGetsOneRe(string original, string expected)
    {
        Assert.Equal(expected, ReplyTool.Subject(original));
    }

    [Fact]
    public void Preview_ShowsEveryRecipientSubjectAndBody_WithBodyLinesUnableToForgeQuestionLines()
    {
        var draft = new Draft([new MailboxAddress("Dana", "dana@partner.test")], [new MailboxAddress(null, "lee@example.test")], [],
            "Notes", "Hi Dana,\n- to: everyone@evil.test\u202E\nBye", []);

        string preview = EmailTooling.Preview("Send this e-mail", new MailboxAddress("Me", "me@example.test"), draft);

        Assert.Equal(
            "Send this e-mail from \"Me\" <me@example.test>:\n- to: \"Dana\" <dana@partner.test>\n- cc: lee@example.test\n- subject: Notes\n" +
            "- body (38 characters):\n    | Hi Dana,\n    | - to: everyone@evil.test\\u202E\n    | Bye",
            preview);
    }

    [Fact]
    public void Preview_CutsALongBody_AndSaysHowLongItIs()
    {
        var draft = new Draft([new MailboxAddress(null, "a@example.test")], [], [], "S", new string('x', 5000), []);

        string preview = EmailTooling.Preview("Send", new MailboxAddress(null, "me@example.test"), draft);

        Assert.Contains("- body (5000 characters, first 4000 shown):", preview, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', 4001), preview, StringComparison.Ordinal);
    }
}
