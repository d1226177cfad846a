using McpServers.Communication.Guards;
using McpServers.Shared.Errors;
using MimeKit;

namespace McpServers.Communication.Tests.Guards;

public sealed class HeaderSafetyTests
{
    private readonly SendGuard _guard = new GuardHarness().NewGuard();

    [Theory]
    [InlineData("dana@example.test", null, "dana@example.test")]
    [InlineData("Dana Lee <dana@example.test>", "Dana Lee", "dana@example.test")]
    [InlineData("\"Lee, Dana\" <dana@example.test>", "Lee, Dana", "dana@example.test")]
    [InlineData("  dana@example.test  ", null, "dana@example.test")]
    [InlineData("Jürgen <jurgen@bücher.example>", "Jürgen", "jurgen@bücher.example")]
    public void Recipients_ParsesOneMailboxPerItem(string raw, string? name, string address)
    {
        MailboxAddress mailbox = Assert.Single(_guard.Recipients([raw], "to"));
        Assert.Equal(name, mailbox.Name);
        Assert.Equal(address, mailbox.Address);
    }

    [Theory]
    [InlineData("a@example.test, c@evil.test", "one e-mail address")]
    [InlineData("a@example.test; c@evil.test", "one e-mail address")]
    [InlineData("team: a@example.test, c@evil.test;", "one e-mail address")]
    [InlineData("a@example.test\r\nBcc: c@evil.test", "line break")]
    [InlineData("\"x\r\nBcc: y@evil.test\" <a@example.test>", "line break")]
    [InlineData("x\nBcc: y@evil.test <a@example.test>", "line break")]
    [InlineData("Dana <dana@example.test>\r\n", "line break")]
    [InlineData("a@example.test\0", "NUL")]
    [InlineData("Da\u0007na <dana@example.test>", "control character (U+0007)")]
    [InlineData("Dana\u202E <dana@example.test>", "bidi")]
    [InlineData("Dana <dana\u2066@example.test>", "bidi")]
    [InlineData("Dana\u2028Bcc: y@evil.test <dana@example.test>", "bidi")]
    [InlineData("\"=?utf-8?q?x=0D=0ABcc:_y@evil.test?=\" <a@example.test>", "encoded word")]
    [InlineData("=?utf-8?b?Y2VvQGV4YW1wbGUudGVzdA==?= <attacker@evil.test>", "encoded word")]
    [InlineData("=?iso-8859-1*en?Q?x?= <a@example.test>", "encoded word")]
    [InlineData("<@relay.evil.test:a@example.test>", "no routes")]
    [InlineData("a@[192.0.2.1]", "no routes")]
    [InlineData("dana", "one e-mail address")]
    [InlineData("Dana dana@example.test", "one e-mail address")]
    [InlineData("", "empty address")]
    public void Recipients_RefusesInjectionAndNonMailboxes(string raw, string reason)
    {
        var e = Assert.Throws<ToolInputException>(() => _guard.Recipients([raw], "to"));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("`to`", e.Message, StringComparison.Ordinal);
        // The refusal quotes the value on one line: a line break in it cannot forge more of the message.
        Assert.DoesNotContain('\r', e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Recipients_LoneSurrogate_Refused()
    {
        // Built at run time: an attribute argument would carry U+FFFD instead.
        string raw = new string([(char)0xD800]) + "@example.test";
        var e = Assert.Throws<ToolInputException>(() => _guard.Recipients([raw], "to"));
        Assert.Contains("lone surrogate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recipients_ReserialisesFromTheParsedParts()
    {
        // The comment is not part of the parsed name or address, so it is not in the header written.
        MailboxAddress mailbox = Assert.Single(_guard.Recipients(["Dana (the boss) <dana@example.test>"], "to"));
        Assert.Equal("Dana <dana@example.test>", mailbox.ToString(FormatOptions.Default, encode: true));
        MailboxAddress quoted = Assert.Single(_guard.Recipients(["\"Lee, Dana\" <dana@example.test>"], "to"));
        Assert.Equal("\"Lee, Dana\" <dana@example.test>", quoted.ToString(FormatOptions.Default, encode: true));
    }

    [Fact]
    public void Recipients_DropsRepeats_AndNullIsNone()
    {
        Assert.Single(_guard.Recipients(["dana@example.test", "Dana <DANA@example.test>"], "cc"));
        Assert.Empty(_guard.Recipients(null, "cc"));
    }

    [Fact]
    public void Recipients_MoreThanMaxRecipientsRefusedBeforeParsing()
    {
        SendGuard small = new GuardHarness(new Dictionary<string, string?> { ["Guards:MaxRecipients"] = "2" }).NewGuard();
        var e = Assert.Throws<ToolInputException>(() => small.Recipients(["a@example.test", "b@example.test", "c@example.test"], "to"));
        Assert.Contains("Guards:MaxRecipients", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Meeting notes\r\nBcc: y@evil.test", "line break")]
    [InlineData("Notes\n", "line break")]
    [InlineData("Notes\u0000", "NUL")]
    [InlineData("Notes\u001B[31m", "control character (U+001B)")]
    [InlineData("Notes \u202Etxt.exe", "bidi")]
    [InlineData("=?utf-8?q?Notes=0D=0ABcc:_y?=", "encoded word")]
    public void HeaderText_RefusesInjection(string subject, string reason)
    {
        var e = Assert.Throws<ToolInputException>(() => _guard.HeaderText(subject, "subject"));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Contains("`subject`", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderText_TrimsAndLimitsTheLength()
    {
        Assert.Equal("Review – Thursday 10:00 👩‍💻", _guard.HeaderText("  Review – Thursday 10:00 👩‍💻 ", "subject"));
        Assert.Equal("", _guard.HeaderText(null, "subject"));
        var e = Assert.Throws<ToolInputException>(() => _guard.HeaderText(new string('x', 11), "subject", maxLength: 10));
        Assert.Contains("at most 10", e.Message, StringComparison.Ordinal);
    }
}
