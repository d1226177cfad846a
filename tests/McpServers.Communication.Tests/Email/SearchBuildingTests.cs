using System.Text;
using MailKit.Search;
using McpServers.Communication.Email.Backend;
using McpServers.Shared.Errors;

namespace McpServers.Communication.Tests.Email;

public sealed class SearchBuildingTests
{
    [Fact]
    public void NoFilter_SearchesAll()
    {
        Assert.Equal("ALL", Describe(MailSearch.Build(new MailFilter())));
    }

    [Fact]
    public void EveryFilter_BecomesItsSearchKey_AllAnded()
    {
        var filter = new MailFilter
        {
            From = "dana",
            To = "lee@example.test",
            SubjectWords = ["budget", "Q4"],
            BodyWords = ["invoice"],
            Since = new DateOnly(2026, 11, 1),
            Before = new DateOnly(2026, 12, 1),
            Unread = true,
            HasAttachment = true,
        };

        Assert.Equal(
            "AND(AND(AND(AND(AND(AND(AND(AND(FROM \"dana\", TO \"lee@example.test\"), SUBJECT \"budget\"), SUBJECT \"Q4\"), BODY \"invoice\"), " +
            "SINCE 2026-11-01), BEFORE 2026-12-01), NOT SEEN), HEADER Content-Type \"multipart/mixed\")",
            Describe(MailSearch.Build(filter)));
    }

    [Fact]
    public void ReadAndWithoutAttachments_AreTheNegations()
    {
        Assert.Equal("AND(SEEN, NOT(HEADER Content-Type \"multipart/mixed\"))",
            Describe(MailSearch.Build(new MailFilter { Unread = false, HasAttachment = false })));
    }

    [Theory]
    [InlineData("a\" OR ALL")]
    [InlineData("x\r\nA001 DELETE INBOX")]
    [InlineData("{5}\r\nhello")]
    [InlineData("\\Seen) UID 1:*")]
    public void InjectionAttempts_StayOneLiteralTextValue(string hostile)
    {
        SearchQuery query = MailSearch.Build(new MailFilter { From = hostile });

        TextSearchQuery text = Assert.IsType<TextSearchQuery>(query);
        Assert.Equal(SearchTerm.FromContains, text.Term);
        Assert.Equal(hostile, text.Text);
    }

    [Fact]
    public void SinceNotBeforeBefore_IsRefused()
    {
        var e = Assert.Throws<ToolInputException>(() => MailSearch.Build(new MailFilter { Since = new DateOnly(2026, 12, 1), Before = new DateOnly(2026, 12, 1) }));
        Assert.Contains("`since`", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Thread_LooksForEachIdInMessageIdInReplyToAndReferences()
    {
        Assert.Equal(
            "OR(OR(HEADER Message-ID \"a@x\", HEADER In-Reply-To \"a@x\"), HEADER References \"a@x\")",
            Describe(MailSearch.Thread(["a@x"])));
    }

    /// <summary>The query tree in IMAP-like words, to compare whole queries.</summary>
    internal static string Describe(SearchQuery query) => query switch
    {
        BinarySearchQuery b => $"{(b.Term == SearchTerm.And ? "AND" : "OR")}({Describe(b.Left)}, {Describe(b.Right)})",
        UnarySearchQuery { Term: SearchTerm.Not } u => $"NOT({Describe(u.Operand)})",
        HeaderSearchQuery h => $"HEADER {h.Field} \"{h.Value}\"",
        TextSearchQuery t => $"{Word(t.Term)} \"{t.Text}\"",
        DateSearchQuery d => $"{(d.Term == SearchTerm.DeliveredAfter ? "SINCE" : d.Term == SearchTerm.DeliveredBefore ? "BEFORE" : d.Term.ToString())} {d.Date:yyyy-MM-dd}",
        _ when query.Term == SearchTerm.All => "ALL",
        _ when query.Term == SearchTerm.NotSeen => "NOT SEEN",
        _ when query.Term == SearchTerm.Seen => "SEEN",
        _ => query.Term.ToString(),
    };

    private static string Word(SearchTerm term) => term switch
    {
        SearchTerm.FromContains => "FROM",
        SearchTerm.ToContains => "TO",
        SearchTerm.SubjectContains => "SUBJECT",
        SearchTerm.BodyContains => "BODY",
        _ => term.ToString(),
    };
}
