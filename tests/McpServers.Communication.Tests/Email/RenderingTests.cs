using MailKit;
using McpServers.Communication.Email.Backend;
using MimeKit;
using MimeKit.Text;

namespace McpServers.Communication.Tests.Email;

public sealed class RenderingTests
{
    [Fact]
    public void Body_PrefersThePlainTextPart()
    {
        RenderedBody body = MessageRendering.Body(new TextPart(TextFormat.Plain) { Text = "Plain wins." },
            new TextPart(TextFormat.Html) { Text = "<p>HTML loses.</p>" }, 1000);

        Assert.Equal("text/plain", body.Source);
        Assert.Equal("Plain wins.", body.Text);
        Assert.False(body.Truncated);
    }

    [Fact]
    public void Body_ConvertsHtmlToMarkdown_AndDropsScripts()
    {
        const string Html = "<html><head><style>p{}</style></head><body><h2>Agenda</h2><p>Please <b>review</b> the " +
            "<a href=\"https://example.test/doc\">draft</a>.</p><ul><li>one</li><li>two</li></ul><script>alert(1)</script></body></html>";

        RenderedBody body = MessageRendering.Body(null, new TextPart(TextFormat.Html) { Text = Html }, 1000);

        Assert.Equal("text/html", body.Source);
        Assert.Equal("## Agenda\n\nPlease **review** the [draft](https://example.test/doc).\n\n- one\n- two", body.Text);
    }

    [Fact]
    public void FoldQuotes_CollapsesTheQuotedReplyAndItsAttributionLine_KeepingTheSignature()
    {
        const string Text = "Sounds good, see you then.\n\n-- \nLee\n\nOn Mon, 30 Nov 2026 at 09:12, Dana <dana@partner.test> wrote:\n> Can we meet Thursday?\n>\n> > Earlier text\n> Dana";

        string folded = MessageRendering.FoldQuotes(Text);

        Assert.Equal("Sounds good, see you then.\n\n-- \nLee\n\n[quoted text folded: 4 lines]", folded);
    }

    [Fact]
    public void FoldQuotes_HandlesAnAttributionSplitOverTwoLines()
    {
        string folded = MessageRendering.FoldQuotes("Yes.\nOn Mon, 30 Nov 2026, Dana Lee <dana@partner.test>\nwrote:\n> question\nafter");

        Assert.Equal("Yes.\n[quoted text folded: 1 line]\nafter", folded);
    }

    [Fact]
    public void FoldQuotes_FoldsEverythingAfterAnOutlookOriginalMessageLine()
    {
        string folded = MessageRendering.FoldQuotes("Approved.\n-----Original Message-----\nFrom: Dana\nSubject: x\n\nold body");

        Assert.Equal("Approved.\n[original message folded: 5 lines]", folded);
    }

    [Fact]
    public void FoldQuotes_LeavesTextWithoutQuotesAlone()
    {
        const string Text = "Line one\nI wrote: nothing quoted follows\nLine three";

        Assert.Equal(Text, MessageRendering.FoldQuotes(Text));
    }

    [Fact]
    public void Body_FoldsHtmlBlockquotes()
    {
        const string Html = "<p>Agreed.</p><div>On Tue, Lee wrote:</div><blockquote><p>Ship it?</p></blockquote>";

        RenderedBody body = MessageRendering.Body(null, new TextPart(TextFormat.Html) { Text = Html }, 1000);

        Assert.Equal("Agreed.\n\n[quoted text folded: 1 line]", body.Text);
    }

    [Fact]
    public void Body_StripsControlAndBidiCharacters()
    {
        RenderedBody body = MessageRendering.Body(new TextPart(TextFormat.Plain) { Text = "pay\u202Eevil\u202C now\u0007\u200B ok\u001b[31m" }, null, 1000);

        Assert.Equal("payevil now ok[31m", body.Text);
    }

    [Fact]
    public void Body_IsCutAtTheCap_WithANoticeNamingTheSetting()
    {
        RenderedBody body = MessageRendering.Body(new TextPart(TextFormat.Plain) { Text = new string('a', 1500) }, null, 1000);

        Assert.True(body.Truncated);
        Assert.Equal(1000, body.Text.Length);
        Assert.Contains("1000 of 1500 characters (Email:MaxMessageChars)", body.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public void Body_WithoutTextParts_SaysSo()
    {
        RenderedBody body = MessageRendering.Body(null, null, 1000);

        Assert.Equal("none", body.Source);
        Assert.Equal("The message has no text body.", body.Notice);
    }

    [Fact]
    public void Attachments_AreListedFromTheBodyStructure_WithNameTypeAndDecodedSize()
    {
        var root = new BodyPartMultipart(new ContentType("multipart", "mixed"), string.Empty);
        root.BodyParts.Add(new BodyPartText(new ContentType("text", "plain"), "1") { ContentTransferEncoding = "7bit", Octets = 20 });
        root.BodyParts.Add(new BodyPartBasic(new ContentType("application", "pdf"), "2")
        {
            ContentTransferEncoding = "base64",
            Octets = 7800,
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = "report.pdf" },
        });
        root.BodyParts.Add(new BodyPartBasic(new ContentType("image", "png"), "3")
        {
            ContentTransferEncoding = "base64",
            Octets = 780,
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = "evil\u202Egnp.exe" },
        });
        var summary = new MessageSummary(1) { Body = root };

        IReadOnlyList<AttachmentInfo> attachments = MessageRendering.Attachments(summary.Attachments);

        Assert.Equal(
            [new AttachmentInfo("report.pdf", "application/pdf", 5700), new AttachmentInfo("evilgnp.exe", "image/png", 570)],
            attachments);
    }

    [Fact]
    public void Snippet_IsOneCleanLine()
    {
        Assert.Equal("Hello there, how are", MessageRendering.Snippet("Hello\r\n  there,\u202E how\tare", 20));
    }
}
