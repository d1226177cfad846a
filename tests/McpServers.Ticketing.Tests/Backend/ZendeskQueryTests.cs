using McpServers.Shared.Errors;
using McpServers.Ticketing.Backend.Zendesk;

namespace McpServers.Ticketing.Tests.Backend;

public sealed class ZendeskQueryTests
{
    [Fact]
    public void Build_EmptyFilter_IsTicketsOnly()
    {
        Assert.Equal("type:ticket", ZendeskQuery.Build(new TicketFilter()));
    }

    [Fact]
    public void Build_EveryFilter_QuotesEveryValueAndTakesKeywordsAndOperatorsFromAFixedSet()
    {
        var filter = new TicketFilter
        {
            Statuses = ["Open", "pending"],
            Priorities = ["urgent"],
            Assignee = "jane@example.com",
            Requester = "Ann Customer",
            Group = "Tier 2",
            Tags = ["vip", "billing"],
            Text = "  card   declined ",
            CreatedFrom = new DateOnly(2026, 1, 1),
            CreatedBefore = new DateOnly(2026, 2, 1),
            UpdatedFrom = new DateOnly(2026, 1, 15),
            UpdatedBefore = new DateOnly(2026, 3, 1),
        };

        Assert.Equal(
            "type:ticket status:\"open\" status:\"pending\" priority:\"urgent\" assignee:\"jane@example.com\" requester:\"Ann Customer\" " +
            "group:\"Tier 2\" tags:\"vip\" tags:\"billing\" \"card\" \"declined\" created>=2026-01-01 created<2026-02-01 updated>=2026-01-15 updated<2026-03-01",
            ZendeskQuery.Build(filter));
    }

    [Theory]
    [InlineData("me", "assignee:me")]
    [InlineData("none", "assignee:none")]
    [InlineData("unassigned", "assignee:none")]
    [InlineData("361234567890", "assignee:\"361234567890\"")]
    public void Build_AssigneeKeywords_AreOnlyTheFixedOnes(string assignee, string expected)
    {
        Assert.Equal("type:ticket " + expected, ZendeskQuery.Build(new TicketFilter { Assignee = assignee }));
    }

    // Model text that tries to add its own conditions stays inside one quoted phrase.
    [Theory]
    [InlineData("x status:closed", "assignee:\"x status:closed\"")]
    [InlineData("x OR type:user", "assignee:\"x OR type:user\"")]
    [InlineData("-tags:vip", "assignee:\"-tags:vip\"")]
    public void Build_OperatorsInsideAValue_StayInsideTheQuotes(string value, string expected)
    {
        Assert.Equal("type:ticket " + expected, ZendeskQuery.Build(new TicketFilter { Assignee = value }));
    }

    public static TheoryData<string, Func<string, TicketFilter>> ValuePositions => new()
    {
        { "assignee", v => new TicketFilter { Assignee = v } },
        { "requester", v => new TicketFilter { Requester = v } },
        { "group", v => new TicketFilter { Group = v } },
        { "tags", v => new TicketFilter { Tags = ["ok", v] } },
        { "text", v => new TicketFilter { Text = "ok " + v } },
        { "statuses", v => new TicketFilter { Statuses = [v] } },
        { "priorities", v => new TicketFilter { Priorities = [v] } },
    };

    // Zendesk's syntax has no escape inside a phrase: a quote, a backslash or a control character is refused in every value position.
    [Theory]
    [MemberData(nameof(ValuePositions))]
    public void Build_ValueThatCouldLeaveItsQuotes_IsRefusedInEveryPosition(string parameter, Func<string, TicketFilter> filter)
    {
        foreach (string value in new[] { "x\" status:\"closed", "x\\", "x\ny", "x\u0000", "\"" })
        {
            var e = Assert.Throws<ToolInputException>(() => ZendeskQuery.Build(filter(value)));
            Assert.Contains($"`{parameter}`", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("statuses")]
    [InlineData("priorities")]
    public void Build_StatusOrPriorityOutsideTheFixedSet_IsRefusedNamingTheValidOnes(string parameter)
    {
        TicketFilter filter = parameter == "statuses" ? new TicketFilter { Statuses = ["open OR x"] } : new TicketFilter { Priorities = ["p1"] };

        var e = Assert.Throws<ToolInputException>(() => ZendeskQuery.Build(filter));

        Assert.Contains($"`{parameter}` values must be among", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Build_BlankValue_IsRefused(string value)
    {
        Assert.Throws<ToolInputException>(() => ZendeskQuery.Build(new TicketFilter { Group = value }));
        Assert.Throws<ToolInputException>(() => ZendeskQuery.Build(new TicketFilter { Text = value }));
    }

    [Fact]
    public void Build_OverlongValue_IsRefused()
    {
        Assert.Throws<ToolInputException>(() => ZendeskQuery.Build(new TicketFilter { Tags = [new string('a', ZendeskQuery.MaxValueChars + 1)] }));
    }
}
